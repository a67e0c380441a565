/** Durations such as `250ms`, `5s`, `2m`, `1h` (or `1m30s`), or a plain number of milliseconds. */
import { CanopyError } from "../errors.ts";

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
const WHOLE_RE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;
const PART_RE = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
const PLAIN_MS_RE = /^\d+(?:\.\d+)?$/;

/** Text for "what a duration should look like", shared by error messages. */
export const DURATION_HINT = "a duration like 250ms, 5s or 2m";

/** Converts a duration (string with units, or a number / numeric string of ms) to whole ms; throws CanopyError("invalid_config") otherwise. */
export function parseDuration(input: unknown): number {
  const ms = durationToMs(input);
  if (ms === undefined) throw new CanopyError("invalid_config", `expected ${DURATION_HINT}, got ${describe(input)}`);
  return ms;
}

/** The same, undefined where `parseDuration` would throw. */
export function durationToMs(input: unknown): number | undefined {
  if (typeof input === "number") return Number.isFinite(input) && input >= 0 ? Math.round(input) : undefined;
  if (typeof input !== "string") return undefined;
  const text = input.trim();
  if (PLAIN_MS_RE.test(text)) return Math.round(Number(text));
  if (!WHOLE_RE.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(PART_RE)) total += Number(amount) * (UNIT_MS[unit ?? ""] ?? Number.NaN);
  return Number.isFinite(total) ? Math.round(total) : undefined;
}

function describe(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}
