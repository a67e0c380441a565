/** Validated values written back the way a person would write them in canopy.yaml (pure). */
import { isAbsolute, relative } from "node:path";

const DURATION_UNITS = [["h", 3_600_000], ["m", 60_000], ["s", 1_000]] as const;
const SIZE_UNITS = [["TB", 1024 ** 4], ["GB", 1024 ** 3], ["MB", 1024 ** 2], ["KB", 1024]] as const;

/** 30000 → "30s", 90000 → "90s", 120000 → "2m", 1500 → "1500ms", 0 → "0s". */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0s";
  for (const [unit, size] of DURATION_UNITS) if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

/** 5242880 → "5MB", 0 → 0; sizes that are no whole number of KB stay a plain number of bytes. */
export function formatSize(bytes: number): string | number {
  if (bytes === 0) return 0;
  for (const [unit, size] of SIZE_UNITS) if (bytes % size === 0) return `${bytes / size}${unit}`;
  return bytes;
}

/** `["/bin/sh", "-c", line]` → `line` (how a string was read); any other argv stays a list. */
export function formatCommand(argv: string[]): string | string[] {
  const [sh, flag, line, ...rest] = argv;
  return sh === "/bin/sh" && flag === "-c" && line !== undefined && rest.length === 0 ? line : [...argv];
}

/** `path` relative to `dir` when inside it (`"."` for `dir` itself), else absolute. */
export function formatPath(path: string, dir: string): string {
  const rel = relative(dir, path);
  if (rel === "") return ".";
  return rel.startsWith("..") || isAbsolute(rel) ? path : rel;
}
