/** Validation of a service's cgroup limits, `memory_max`, `cpus` and `pids_max` (pure). */
import type { CgroupLimits } from "../os/cgroup/files.ts";
import { checkInt, checkParsed, describe, type Report } from "./checks.ts";
import { parseSize } from "./size.ts";

/** The keys, as written. */
export const CGROUP_LIMIT_KEYS = ["memory_max", "cpus", "pids_max"] as const;

/** Which controller each key needs, and the field each limit came from. */
export const CONTROLLER_OF = { memory_max: "memory", cpus: "cpu", pids_max: "pids" } as const;

/** The cgroup limits in `raw` (undefined when it sets none or one is wrong; each problem reported by field). */
export function checkCgroupLimits(raw: Record<string, unknown>, report: Report): CgroupLimits | undefined {
  const out: CgroupLimits = {};
  if (raw.memory_max !== undefined) {
    const range = { min: 1024 ** 2, max: 1024 ** 5, minText: "1MB", maxText: "1024TB" };
    const bytes = checkParsed(raw.memory_max, "memory_max", parseSize, range, report);
    if (bytes !== undefined) out.memoryMaxBytes = bytes;
  }
  if (raw.cpus !== undefined) {
    const cpus = raw.cpus;
    if (typeof cpus !== "number" || !Number.isFinite(cpus) || cpus < 0.01 || cpus > 4096) {
      report("cpus", `expected a number of cores from 0.01 to 4096 (such as 0.5 or 2), got ${describe(cpus)}`);
    } else out.cpus = cpus;
  }
  if (raw.pids_max !== undefined) {
    const pids = checkInt(raw.pids_max, "pids_max", 1, 4_194_304, report);
    if (pids !== undefined) out.pidsMax = pids;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}
