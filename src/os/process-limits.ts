/**
 * The OS side of `nice:` and `limits:`: what this process may set (read once per config load),
 * and the argv that applies them to a child (see resource-limits.ts). Bun.spawn cannot run code
 * between fork and exec, and prlimit(2) on the child's pid after the spawn would race its
 * program, so the values are set by exec prefixes before the program runs.
 */
import { getPriority } from "node:os";
import { CAP_SYS_NICE, CAP_SYS_RESOURCE, hasEffectiveCaps } from "./privilege-drop.ts";
import { readOrUndefined } from "./proc-info.ts";
import { type LimitName, type LimitPrefix, type LimitValue, limitArgv, parseProcLimits } from "./resource-limits.ts";

/** Where prlimit and nice are looked for: the system folders, whatever the daemon's PATH. */
const SYSTEM_PATH = "/usr/bin:/bin:/usr/sbin:/sbin:/usr/local/bin";

/** What this process may set for a child, and its own values. */
export interface LimitFacts {
  platform: NodeJS.Platform;
  /** This process's niceness: a child's is set relative to it. */
  niceness: number;
  /** CAP_SYS_NICE: may give a child a lower niceness than its own. */
  canLowerNice: boolean;
  /** CAP_SYS_RESOURCE: may raise a hard limit above its own. */
  canRaiseHard: boolean;
  /** This process's own limits (what a child inherits). */
  current: Partial<Record<LimitName, { soft: LimitValue; hard: LimitValue }>>;
  /** /proc/sys/fs/nr_open: the ceiling of nofile, even for root. */
  nrOpen?: number;
}

/** Reads this process's facts (Linux: /proc/self; elsewhere only the platform and niceness). */
export function readLimitFacts(): LimitFacts {
  const status = readOrUndefined("/proc/self/status") ?? "";
  const nrOpen = Number(readOrUndefined("/proc/sys/fs/nr_open")?.trim());
  return {
    platform: process.platform,
    niceness: getPriority(),
    canLowerNice: hasEffectiveCaps(status, [CAP_SYS_NICE]),
    canRaiseHard: hasEffectiveCaps(status, [CAP_SYS_RESOURCE]),
    current: parseProcLimits(readOrUndefined("/proc/self/limits") ?? ""),
    ...(Number.isInteger(nrOpen) && nrOpen > 0 ? { nrOpen } : {}),
  };
}

/** A spawn refused because its limits cannot be applied here; the supervisor reports it as `spawn_failed`. */
export class LimitsError extends Error {
  readonly code = "limits_unavailable";
}

const found = new Map<string, string | null>();

function tool(name: string, pkg: string): string {
  if (!found.has(name)) found.set(name, Bun.which(name, { PATH: SYSTEM_PATH }));
  const path = found.get(name);
  if (!path) throw new LimitsError(`${name} was not found in /usr/bin or /bin (install ${pkg}); not started`);
  return path;
}

/**
 * `cmd` behind the prefixes that give it `nice` (absolute, -20…19) and `limits`; `cmd` itself
 * when there is neither. Throws LimitsError when a tool is missing or the platform has none.
 */
export function argvWithLimits(spec: { nice?: number; limits?: LimitPrefix["limits"] }, cmd: string[]): string[] {
  const niceBy = spec.nice === undefined ? undefined : spec.nice - getPriority();
  const hasLimits = spec.limits !== undefined && Object.keys(spec.limits).length > 0;
  if (!hasLimits && !niceBy) return cmd;
  // macOS has no prlimit(1); its nice(1) would do, but limits are refused when the config loads.
  if (hasLimits && process.platform !== "linux") throw new LimitsError("limits: is supported on Linux only (no prlimit here); not started");
  const tools = {
    prlimit: hasLimits ? tool("prlimit", "util-linux") : "",
    nice: niceBy ? tool("nice", "coreutils") : "",
  };
  return limitArgv(tools, { ...(hasLimits ? { limits: spec.limits } : {}), ...(niceBy ? { niceBy } : {}) }, cmd);
}
