/** Byte sizes such as `512KB`, `10MB`, `1GB` (1024-based), or a plain number of bytes. */
import { CanopyError } from "../errors.ts";

const UNIT_BYTES: Record<string, number> = {
  b: 1,
  k: 1024, kb: 1024, kib: 1024,
  m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2,
  g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3,
  t: 1024 ** 4, tb: 1024 ** 4, tib: 1024 ** 4,
};
const SIZE_RE = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i;

/** Text for "what a size should look like", shared by error messages. */
export const SIZE_HINT = "a size like 512KB, 10MB or 1GB";

/** Converts a size (number of bytes, or a string with an optional B/KB/MB/GB/TB unit, case-insensitive) to whole bytes; throws CanopyError("invalid_config") otherwise. */
export function parseSize(input: unknown): number {
  const bytes = sizeToBytes(input);
  if (bytes === undefined) {
    const got = typeof input === "string" ? JSON.stringify(input) : String(input);
    throw new CanopyError("invalid_config", `expected ${SIZE_HINT}, got ${got}`);
  }
  return bytes;
}

function sizeToBytes(input: unknown): number | undefined {
  if (typeof input === "number") return Number.isFinite(input) && input >= 0 ? Math.round(input) : undefined;
  if (typeof input !== "string") return undefined;
  const match = SIZE_RE.exec(input.trim());
  if (!match) return undefined;
  const unit = UNIT_BYTES[(match[2] ?? "").toLowerCase() || "b"];
  if (unit === undefined) return undefined;
  const bytes = Number(match[1]) * unit;
  return Number.isFinite(bytes) ? Math.round(bytes) : undefined;
}
