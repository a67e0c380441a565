/** supervisord's scalar values — booleans, whole numbers, signals, exit code lists — as it reads them (pure). */

const TRUE = ["true", "yes", "on", "1"];
const FALSE = ["false", "no", "off", "0"];

/** `true`/`yes`/`on`/`1` or `false`/`no`/`off`/`0`, any case; undefined otherwise. */
export function svBoolean(value: string): boolean | undefined {
  const v = value.toLowerCase();
  return TRUE.includes(v) ? true : FALSE.includes(v) ? false : undefined;
}

/** A whole number ≥ `min`; undefined otherwise. */
export function svInteger(value: string, min = 0): number | undefined {
  if (!/^-?\d+$/.test(value)) return undefined;
  const n = Number(value);
  return n >= min ? n : undefined;
}

/** `TERM`, `SIGTERM`, `term` → `SIGTERM`; undefined for anything that is not a signal name. */
export function svSignal(value: string): string | undefined {
  const name = value.toUpperCase().replace(/^SIG/, "");
  return /^[A-Z0-9]+$/.test(name) ? `SIG${name}` : undefined;
}

/** `0,2` → `[0, 2]`; undefined unless every item is a code from 0 to 255. */
export function svExitCodes(value: string): number[] | undefined {
  const codes = value.split(",").map((c) => svInteger(c.trim()));
  return codes.length > 0 && codes.every((c) => c !== undefined && c <= 255) ? (codes as number[]) : undefined;
}
