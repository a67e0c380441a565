/** The cgroup v2 interface files canopy reads and writes, as pure parsers and formatters. */

/** `populated 1` in cgroup.events: some live process is in the cgroup or below it. */
export function parsePopulated(eventsText: string): boolean {
  return /^populated 1$/m.test(eventsText);
}

/** The pids in a cgroup.procs text. */
export function parseProcs(text: string): number[] {
  // No RegExp per line: a status of 1,000 services parses as many of these, in a daemon without a JIT.
  const pids: number[] = [];
  for (const line of text.split("\n")) {
    const pid = line === "" ? Number.NaN : Number(line);
    if (Number.isSafeInteger(pid) && pid > 0) pids.push(pid);
  }
  return pids;
}

/** The resident pages in a /proc/<pid>/statm text (its second field); undefined when malformed. */
export function statmResidentPages(text: string): number | undefined {
  const start = text.indexOf(" ") + 1;
  const end = text.indexOf(" ", start);
  if (start === 0 || end < 0) return undefined;
  const pages = Number(text.slice(start, end));
  return Number.isSafeInteger(pages) && pages >= 0 ? pages : undefined;
}

/** One `key value` line's number in a flat-keyed file (cpu.stat, memory.events); undefined when absent. */
export function flatKey(text: string, key: string): number | undefined {
  // indexOf, not a RegExp built per call: a status of 1,000 services reads as many cpu.stat files.
  // Searched with a newline in front of the text, so the first line is found like every other.
  const at = `\n${text}`.indexOf(`\n${key} `);
  if (at < 0) return undefined;
  const start = at + key.length + 1;
  const end = text.indexOf("\n", start);
  const digits = text.slice(start, end < 0 ? text.length : end);
  return DIGITS.test(digits) ? Number(digits) : undefined;
}

const DIGITS = /^\d+$/;

/** The number in a single-value file (memory.current); undefined when it is not one. */
export function parseCount(text: string): number | undefined {
  const value = text.trim();
  return DIGITS.test(value) ? Number(value) : undefined;
}

/** The limits a service may set through its cgroup. */
export interface CgroupLimits {
  /** `memory_max`: bytes, enforced by the kernel (memory.max). */
  memoryMaxBytes?: number;
  /** `cpus`: cores, as a share of each period (cpu.max). */
  cpus?: number;
  /** `pids_max`: processes and threads (pids.max). */
  pidsMax?: number;
}

/** The period cpu.max is written with: 100 ms, the kernel's default. */
export const CPU_PERIOD_US = 100_000;

/** The files and values that apply `limits`, in a fixed order; the controller each needs. */
export function limitWrites(limits: CgroupLimits): { controller: "cpu" | "memory" | "pids"; file: string; value: string }[] {
  const writes: { controller: "cpu" | "memory" | "pids"; file: string; value: string }[] = [];
  if (limits.memoryMaxBytes !== undefined) {
    writes.push({ controller: "memory", file: "memory.max", value: String(limits.memoryMaxBytes) });
    // Without this, the kernel would push the service to swap rather than end it at the limit.
    writes.push({ controller: "memory", file: "memory.swap.max", value: "0" });
  }
  if (limits.cpus !== undefined) writes.push({ controller: "cpu", file: "cpu.max", value: `${Math.max(1000, Math.round(limits.cpus * CPU_PERIOD_US))} ${CPU_PERIOD_US}` });
  if (limits.pidsMax !== undefined) writes.push({ controller: "pids", file: "pids.max", value: String(limits.pidsMax) });
  return writes;
}

/** True when any limit is set. */
export function hasCgroupLimits(limits: CgroupLimits): boolean {
  return limits.memoryMaxBytes !== undefined || limits.cpus !== undefined || limits.pidsMax !== undefined;
}

