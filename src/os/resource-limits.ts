/**
 * Resource limits and niceness for a child, as exec prefixes (pure: the tools are found and the
 * daemon's own limits read in process-limits.ts). util-linux `prlimit --nofile=S:H -- cmd` and
 * coreutils `nice -n N cmd` set the value on themselves and then exec the next program in the
 * same process, so the child keeps its pid, process group and environment (the escape mark).
 */

/** The limits `limits:` may set, as prlimit(1) names them. */
export const LIMIT_NAMES = ["nofile", "nproc", "core", "memlock", "stack", "as", "cpu", "fsize"] as const;

export type LimitName = (typeof LIMIT_NAMES)[number];

/** A count, bytes or seconds (see LIMIT_UNITS), or no limit. */
export type LimitValue = number | "unlimited";

/** Soft and hard values; a side left out keeps the value the child inherits. At least one is set. */
export interface SoftHard {
  soft?: LimitValue;
  hard?: LimitValue;
}

export type ResourceLimits = Partial<Record<LimitName, SoftHard>>;

/** What each limit counts. */
export const LIMIT_UNITS: Record<LimitName, "count" | "bytes" | "seconds"> = {
  nofile: "count", nproc: "count", core: "bytes", memlock: "bytes", stack: "bytes", as: "bytes", cpu: "seconds", fsize: "bytes",
};

/** The row of /proc/PID/limits for each limit. */
const PROC_ROWS: Record<LimitName, string> = {
  nofile: "Max open files", nproc: "Max processes", core: "Max core file size", memlock: "Max locked memory",
  stack: "Max stack size", as: "Max address space", cpu: "Max cpu time", fsize: "Max file size",
};

/** The programs the prefix runs (absolute paths). */
export interface LimitTools {
  prlimit: string;
  nice: string;
}

/** What to apply: `niceBy` is relative to the daemon's own niceness (nice(1) adds it). */
export interface LimitPrefix {
  limits?: ResourceLimits;
  niceBy?: number;
}

/** `--nofile=1024:4096` for each limit, in LIMIT_NAMES order; an empty side is left as inherited. */
export function prlimitOptions(limits: ResourceLimits): string[] {
  return LIMIT_NAMES.flatMap((name) => {
    const value = limits[name];
    if (value === undefined) return [];
    return [`--${name}=${value.soft ?? ""}:${value.hard ?? ""}`];
  });
}

/**
 * `cmd` behind prlimit and nice when there is something to set (else `cmd` itself). prlimit
 * runs first: a hard limit can only be raised while the process is still the daemon's user,
 * before a `user:` prefix (setpriv, already in `cmd`) switches.
 */
export function limitArgv(tools: LimitTools, prefix: LimitPrefix, cmd: string[]): string[] {
  const options = prefix.limits === undefined ? [] : prlimitOptions(prefix.limits);
  const niced = prefix.niceBy === undefined || prefix.niceBy === 0 ? cmd : [tools.nice, "-n", String(prefix.niceBy), "--", ...cmd];
  return options.length === 0 ? niced : [tools.prlimit, ...options, "--", ...niced];
}

/** The soft and hard value of each limit in /proc/PID/limits text (rows it lacks are absent). */
export function parseProcLimits(text: string): Partial<Record<LimitName, { soft: LimitValue; hard: LimitValue }>> {
  const out: Partial<Record<LimitName, { soft: LimitValue; hard: LimitValue }>> = {};
  const lines = text.split("\n");
  for (const name of LIMIT_NAMES) {
    const line = lines.find((l) => l.startsWith(`${PROC_ROWS[name]} `));
    const [soft, hard] = line?.slice(PROC_ROWS[name].length).trim().split(/\s+/) ?? [];
    const read = (v: string | undefined): LimitValue | undefined => (v === "unlimited" ? "unlimited" : v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined);
    const s = read(soft);
    const h = read(hard);
    if (s !== undefined && h !== undefined) out[name] = { soft: s, hard: h };
  }
  return out;
}

/** True when `a` is above `b` (unlimited is above every number). */
export function limitAbove(a: LimitValue, b: LimitValue): boolean {
  if (a === "unlimited") return b !== "unlimited";
  return b !== "unlimited" && a > b;
}
