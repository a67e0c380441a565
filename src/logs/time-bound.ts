/** `--since` / `--until` values: a duration back from now (`10m`, `2h`, `1h30m`) or a date and time. Pure: no I/O. */
import { durationToMs } from "../config/duration.ts";
import { CanopyError } from "../errors.ts";

/** `2026-12-05`, `2026-12-05T03:00`, `2026-12-05 03:00:15.250`, optionally ending `Z` or `+01:00`. */
const DATE_TIME_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * The instant `raw` names, as RFC 3339 UTC with ms (how log files stamp lines, so bounds
 * compare with stamps as strings). A date and time without a zone is local time, as `-t`
 * shows it. Throws a usage error naming `flag` otherwise.
 */
export function parseTimeBound(raw: string, nowMs: number, flag: string): string {
  const text = raw.trim();
  const ago = /^\d/.test(text) && !text.includes("-") ? durationToMs(text) : undefined;
  if (ago !== undefined) return new Date(nowMs - ago).toISOString();
  const at = dateTimeMs(text);
  if (at === undefined) {
    throw new CanopyError("usage", `${flag} takes a duration back from now (10m, 2h, 1h30m) or a date and time (2026-12-05T03:00, local unless it ends in Z or ±HH:MM), got "${raw}"`);
  }
  return new Date(at).toISOString();
}

function dateTimeMs(text: string): number | undefined {
  const m = DATE_TIME_RE.exec(text);
  if (m === null) return undefined;
  const [, y, mo, d, h = "0", mi = "0", s = "0", frac = "0", zone] = m;
  const parts = [Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(frac.padEnd(3, "0"))] as const;
  // Out-of-range fields (month 13, 25:00) would roll over: refuse them by checking the round trip.
  const check = new Date(Date.UTC(...parts));
  if (check.getUTCMonth() !== parts[1] || check.getUTCDate() !== parts[2] || check.getUTCHours() !== parts[3] || check.getUTCMinutes() !== parts[4] || check.getUTCSeconds() !== parts[5]) {
    return undefined;
  }
  if (zone === undefined) return new Date(...parts).getTime();
  if (zone === "Z") return check.getTime();
  const sign = zone.startsWith("-") ? -1 : 1;
  const offsetMin = sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  return check.getTime() - offsetMin * 60_000;
}
