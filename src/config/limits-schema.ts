/** Validation of a service's `max_memory`, `nice` and `limits` (pure). */
import { LIMIT_NAMES, LIMIT_UNITS, type LimitName, type LimitValue, type ResourceLimits, type SoftHard } from "../os/resource-limits.ts";
import { checkInt, checkParsed, checkUnknownKeys, describe, isMapping, type Report } from "./checks.ts";
import { parseDuration } from "./duration.ts";
import { parseSize, SIZE_HINT } from "./size.ts";

/** The smallest `max_memory` accepted: below it no program runs. */
const MIN_MAX_MEMORY = 1024 ** 2;
/** The largest limit value: beyond it a number is no longer exact. */
const MAX_LIMIT = Number.MAX_SAFE_INTEGER;

/** `max_memory`: a size from 1MB. */
export function checkMaxMemory(value: unknown, report: Report): number | undefined {
  const range = { min: MIN_MAX_MEMORY, max: 1024 ** 5, minText: "1MB", maxText: "1024TB" };
  return checkParsed(value, "max_memory", parseSize, range, report);
}

/** `nice`: -20 (most favoured) to 19. Whether this daemon may lower it is checked on disk (limit-checks.ts). */
export function checkNice(value: unknown, report: Report): number | undefined {
  return checkInt(value, "nice", -20, 19, report);
}

/**
 * `limits`: a mapping of LIMIT_NAMES to a value (soft = hard) or `{soft, hard}` (either may be
 * left out: it stays as inherited). A value is `unlimited`, a whole number, a size for byte
 * limits (`64MB`), a duration for `cpu` (`10m`, whole seconds).
 */
export function checkLimits(value: unknown, report: Report): ResourceLimits | undefined {
  if (!isMapping(value)) {
    report("limits", `expected a mapping such as { nofile: 65536, core: 0 }, got ${describe(value)}`);
    return undefined;
  }
  let ok = true;
  const note: Report = (field, message) => {
    ok = false;
    report(field, message);
  };
  checkUnknownKeys(value, LIMIT_NAMES, "limits.", note);
  const out: ResourceLimits = {};
  for (const name of LIMIT_NAMES) {
    if (value[name] === undefined) continue;
    const pair = checkSoftHard(name, value[name], note);
    if (pair) out[name] = pair;
  }
  return ok ? out : undefined;
}

function checkSoftHard(name: LimitName, raw: unknown, report: Report): SoftHard | undefined {
  const field = `limits.${name}`;
  if (!isMapping(raw)) {
    const v = checkLimitValue(name, raw, field, report);
    return v === undefined ? undefined : { soft: v, hard: v };
  }
  checkUnknownKeys(raw, ["soft", "hard"], `${field}.`, report);
  if (raw.soft === undefined && raw.hard === undefined) {
    report(field, "expected soft, hard or both, as in { soft: 1024, hard: 4096 }");
    return undefined;
  }
  const soft = raw.soft === undefined ? undefined : checkLimitValue(name, raw.soft, `${field}.soft`, report);
  const hard = raw.hard === undefined ? undefined : checkLimitValue(name, raw.hard, `${field}.hard`, report);
  if ((raw.soft !== undefined && soft === undefined) || (raw.hard !== undefined && hard === undefined)) return undefined;
  if (soft !== undefined && hard !== undefined && (soft === "unlimited" ? hard !== "unlimited" : hard !== "unlimited" && soft > hard)) {
    report(field, `soft (${soft}) must not be above hard (${hard})`);
    return undefined;
  }
  return { ...(soft === undefined ? {} : { soft }), ...(hard === undefined ? {} : { hard }) };
}

function checkLimitValue(name: LimitName, raw: unknown, field: string, report: Report): LimitValue | undefined {
  if (raw === "unlimited" || raw === "infinity") return "unlimited";
  const unit = LIMIT_UNITS[name];
  if (unit === "count" || typeof raw === "number") {
    if (typeof raw === "number" && Number.isInteger(raw) && raw >= 0 && raw <= MAX_LIMIT) return raw;
    const what = unit === "bytes" ? `a number of bytes, ${SIZE_HINT}` : unit === "seconds" ? "a number of seconds or a duration like 10m" : "a whole number";
    report(field, `expected ${what}, or unlimited; got ${describe(raw)}`);
    return undefined;
  }
  if (unit === "bytes") {
    return checkParsed(raw, field, parseSize, { min: 0, max: MAX_LIMIT, minText: "0", maxText: String(MAX_LIMIT) }, (f, m) => report(f, `${m}, or unlimited`));
  }
  if (typeof raw === "string" && /^\s*\d+(\.\d+)?\s*$/.test(raw)) {
    report(field, `expected a number of seconds or a duration with its unit (${raw.trim()}s), got ${describe(raw)}`);
    return undefined;
  }
  const ms = checkParsed(raw, field, parseDuration, { min: 0, max: MAX_LIMIT, minText: "0s", maxText: "forever" }, (f, m) => report(f, `${m}, or unlimited`));
  return ms === undefined ? undefined : Math.ceil(ms / 1000);
}
