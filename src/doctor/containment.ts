/** Doctor's containment line: which mode the daemon uses (or one started here would), and why. */
import type { ContainmentView } from "../api/wire.ts";
import type { ContainmentFacts } from "../os/cgroup/facts.ts";
import type { Check } from "./check.ts";

/** From the running daemon's own account when there is one, else from this process's facts. */
export function containmentCheck(running: ContainmentView | undefined, facts: () => ContainmentFacts): Check {
  if (running) return fromView(running, "daemon uses");
  const f = facts();
  return fromView(
    f.mode === "cgroup" ? { mode: f.mode, reason: f.reason, controllers: f.controllers, missing_controllers: f.missing } : f,
    "a daemon started here would use",
  );
}

function fromView(view: ContainmentView, who: string): Check {
  if (view.mode !== "cgroup") {
    return { status: "warn", what: `containment: ${who} process groups and marks, not cgroups: ${view.reason} (a process that leaves its group and clears its environment escapes a stop; memory_max, cpus and pids_max are refused)` };
  }
  const missing = Object.entries(view.missing_controllers ?? {});
  const limits = missing.length === 0 ? "" : `; ${missing.map(([c, why]) => `no ${c} limits: ${why}`).join("; ")}`;
  return { status: "ok", what: `containment: ${who} a cgroup per service (${view.reason}${view.cgroup ? `, under ${view.cgroup}` : ""})${limits}` };
}
