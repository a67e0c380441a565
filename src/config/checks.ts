/** Small typed checks shared by the schema: each returns the value or reports why not and returns undefined. */
import { isCanopyError } from "../errors.ts";
import { LIMITS } from "./defaults.ts";
import { parseDuration } from "./duration.ts";
import { closestKey } from "./suggest.ts";

/** Records one problem against a field of the thing being validated. */
export type Report = (field: string, message: string) => void;

/** A plain mapping (not null, not a list). */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** How a wrong value is shown in messages: strings quoted, lists and mappings named, null as "nothing". */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  return String(value);
}

/** Reports every key of `obj` not in `known`, suggesting the closest known key. */
export function checkUnknownKeys(obj: Record<string, unknown>, known: readonly string[], prefix: string, report: Report): void {
  for (const key of Object.keys(obj)) {
    if (known.includes(key)) continue;
    const guess = closestKey(key, known);
    const hint = guess === undefined ? `known keys: ${known.join(", ")}` : `did you mean ${guess}?`;
    report(prefix + key, `unknown key; ${hint}`);
  }
}

/** An integer in [min, max]. */
export function checkInt(value: unknown, field: string, min: number, max: number, report: Report): number | undefined {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    report(field, `expected a whole number from ${min} to ${max}, got ${describe(value)}`);
    return undefined;
  }
  if (value < min || value > max) {
    report(field, `must be from ${min} to ${max}, got ${value}`);
    return undefined;
  }
  return value;
}

/** A boolean (`true`/`false`, not a string). */
export function checkBool(value: unknown, field: string, report: Report): boolean | undefined {
  if (typeof value === "boolean") return value;
  report(field, `expected true or false, got ${describe(value)}`);
  return undefined;
}

/** A non-empty string without NUL bytes. */
export function checkString(value: unknown, field: string, report: Report): string | undefined {
  if (typeof value !== "string") {
    report(field, `expected a string, got ${describe(value)}`);
    return undefined;
  }
  if (value.trim() === "") {
    report(field, "must not be empty");
    return undefined;
  }
  if (value.includes("\0")) {
    report(field, "must not contain a NUL byte");
    return undefined;
  }
  return value;
}

/** One of `allowed`. */
export function checkEnum<T extends string>(value: unknown, field: string, allowed: readonly T[], report: Report): T | undefined {
  if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
  report(field, `expected one of ${allowed.join(", ")}, got ${describe(value)}`);
  return undefined;
}

/** Runs `parse` (which throws a CanopyError saying what was expected) and checks the result is in [min, max]. */
export function checkParsed(
  value: unknown,
  field: string,
  parse: (value: unknown) => number,
  range: { min: number; max: number; minText: string; maxText: string },
  report: Report,
): number | undefined {
  let parsed: number;
  try {
    parsed = parse(value);
  } catch (err) {
    if (!isCanopyError(err)) throw err;
    report(field, err.message);
    return undefined;
  }
  if (parsed < range.min || parsed > range.max) {
    const limit = parsed > range.max ? `at most ${range.maxText}` : `at least ${range.minText}`;
    report(field, `must be ${limit}, got ${describe(value)}`);
    return undefined;
  }
  return parsed;
}

/** A duration in [minMs, 24h] as ms; `fallback` when `value` is undefined (left out). */
export function checkDuration(value: unknown, field: string, minMs: number, fallback: number, report: Report): number | undefined {
  if (value === undefined) return fallback;
  const range = { min: minMs, max: LIMITS.maxDurationMs, minText: `${minMs}ms`, maxText: "24h" };
  return checkParsed(value, field, parseDuration, range, report);
}

/** A non-empty argv list of strings without NUL bytes, whose first element is not blank; items reported as `field[i]`. */
export function checkArgv(value: unknown[], field: string, report: Report): string[] | undefined {
  if (value.length === 0) {
    report(field, "must not be an empty list");
    return undefined;
  }
  let ok = true;
  value.forEach((arg: unknown, i) => {
    if (typeof arg !== "string") {
      report(`${field}[${i}]`, `expected a string, got ${describe(arg)}${typeof arg === "number" || typeof arg === "boolean" ? ` (quote it: "${arg}")` : ""}`);
      ok = false;
    } else if (arg.includes("\0")) {
      report(`${field}[${i}]`, "must not contain a NUL byte");
      ok = false;
    }
  });
  if (ok && (value[0] as string).trim() === "") {
    report(`${field}[0]`, "the program name must not be empty");
    ok = false;
  }
  return ok ? (value as string[]) : undefined;
}
