/**
 * Whether this canopy may give a service its `nice` and `limits` (pure: the facts are read in
 * src/os/process-limits.ts). Refused here, when the config loads, rather than as a crash loop of
 * a prefix that exits without running the service.
 */
import type { LimitFacts } from "../os/process-limits.ts";
import { LIMIT_NAMES, limitAbove, type LimitValue } from "../os/resource-limits.ts";
import type { ServiceConfig } from "./types.ts";

/** One field this canopy cannot honour. */
export interface LimitProblem {
  field: string;
  message: string;
}

/** The problems with `svc`'s `nice` and `limits` for a process with `facts`. */
export function limitProblems(svc: Pick<ServiceConfig, "nice" | "limits">, facts: LimitFacts): LimitProblem[] {
  const problems: LimitProblem[] = [];
  if (svc.nice !== undefined && svc.nice < facts.niceness && !facts.canLowerNice) {
    problems.push({
      field: "nice",
      message: `${svc.nice} is below canopy's own niceness (${facts.niceness}), which needs root (CAP_SYS_NICE); run canopy as root, or use ${facts.niceness} to 19`,
    });
  }
  const limits = svc.limits;
  if (limits === undefined) return problems;
  if (facts.platform !== "linux") {
    problems.push({ field: "limits", message: `supported on Linux only (${facts.platform} has no prlimit); leave limits out here` });
    return problems;
  }
  for (const name of LIMIT_NAMES) {
    const wanted = limits[name];
    const current = facts.current[name];
    if (wanted === undefined || current === undefined) continue;
    const field = `limits.${name}`;
    const hard = wanted.hard ?? current.hard;
    const soft = wanted.soft ?? current.soft;
    if (wanted.hard !== undefined && limitAbove(wanted.hard, current.hard) && !facts.canRaiseHard) {
      problems.push({ field, message: `hard limit ${show(wanted.hard)} is above canopy's own (${show(current.hard)}), which needs root (CAP_SYS_RESOURCE); run canopy as root, or stay at or below ${show(current.hard)}` });
    } else if (limitAbove(soft, hard)) {
      problems.push({ field, message: `soft limit ${show(soft)} would be above the hard limit ${show(hard)}${wanted.hard === undefined ? " canopy passes on; set hard too" : ""}` });
    } else if (name === "nofile" && facts.nrOpen !== undefined && limitAbove(hard, facts.nrOpen)) {
      problems.push({ field, message: `${show(hard)} is above the kernel's ceiling for open files (fs.nr_open = ${facts.nrOpen}), even for root` });
    }
  }
  return problems;
}

function show(value: LimitValue): string {
  return String(value);
}
