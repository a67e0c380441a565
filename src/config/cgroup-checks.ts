/**
 * Whether this canopy can honour a service's `memory_max`, `cpus` and `pids_max` (pure: the facts
 * are read in src/os/cgroup/facts.ts). A limit that cannot be applied is refused when the config
 * loads, with the reason — never silently dropped.
 */
import type { ContainmentFacts } from "../os/cgroup/facts.ts";
import type { CgroupLimits } from "../os/cgroup/files.ts";
import { CONTROLLER_OF } from "./cgroup-schema.ts";
import type { LimitProblem } from "./limit-checks.ts";

const FIELD_OF: Record<keyof CgroupLimits, keyof typeof CONTROLLER_OF> = { memoryMaxBytes: "memory_max", cpus: "cpus", pidsMax: "pids_max" };

/** The problems with `limits` for a daemon with `facts`. */
export function cgroupLimitProblems(limits: CgroupLimits, facts: ContainmentFacts): LimitProblem[] {
  const problems: LimitProblem[] = [];
  for (const key of Object.keys(limits) as (keyof CgroupLimits)[]) {
    if (limits[key] === undefined) continue;
    const field = FIELD_OF[key];
    const controller = CONTROLLER_OF[field];
    const sampled = field === "memory_max" ? "; max_memory (sampled, restarts the service) works without cgroups" : "";
    if (facts.mode !== "cgroup") {
      problems.push({ field, message: `needs a cgroup, and canopy runs without cgroups here (${facts.reason})${sampled}` });
    } else if (!facts.controllers.includes(controller)) {
      problems.push({ field, message: `needs the cgroup v2 ${controller} controller: ${facts.missing[controller] ?? "not available"}${sampled}` });
    }
  }
  return problems;
}
