/**
 * The daemon's containment: a cgroup subtree of its own where cgroup v2 lets it (its services each
 * in a cgroup of their own), else process groups and marks. Set up before any spawn; it stops what
 * a killed predecessor left in the subtree, and removes the subtree on shutdown.
 */
import type { ContainmentView } from "../api/wire.ts";
import { containmentFacts } from "../os/cgroup/facts.ts";
import { CgroupSubtree, subtreeName } from "../os/cgroup/subtree.ts";
import { CgroupContainment } from "../supervisor/containment.ts";

export interface DaemonContainment {
  view: ContainmentView;
  /** The Supervisor's seam; undefined in process-group+mark mode. */
  containment?: CgroupContainment;
  subtree?: CgroupSubtree;
}

/** Decides the mode for the daemon whose state lives in `stateDir`, and in cgroup mode makes and joins its subtree. */
export function setupContainment(stateDir: string, env: Record<string, string | undefined>): DaemonContainment {
  const facts = containmentFacts(env);
  if (facts.mode !== "cgroup") return { view: { mode: facts.mode, reason: facts.reason } };
  const subtree = new CgroupSubtree(facts.dir, subtreeName(stateDir));
  let failed: Record<string, string>;
  try {
    failed = subtree.setup(facts.controllers);
  } catch (err) {
    return { view: { mode: "process-group+mark", reason: `could not make or join the cgroup ${subtree.root}: ${(err as Error).message}` } };
  }
  return {
    view: { mode: "cgroup", reason: facts.reason, cgroup: subtree.root, controllers: [...subtree.enabled], missing_controllers: { ...facts.missing, ...failed } },
    containment: new CgroupContainment(subtree),
    subtree,
  };
}

/** Stops whatever a killed daemon left in this subtree's service cgroups, and removes them; resolves with the services that still had processes. */
export async function reapLeftoverCgroups(c: DaemonContainment, timeoutMs: number, log: (msg: string) => void): Promise<string[]> {
  const { subtree, containment } = c;
  if (!subtree || !containment) return [];
  const reaped: string[] = [];
  await Promise.all(
    subtree.services().map(async (service) => {
      if (subtree.populated(service)) reaped.push(service);
      // No group signal went out (pgid 0 is no process of ours): everything in it gets the stop signal.
      await containment.drain(service, { pgid: 0, signal: "SIGTERM", timeoutMs, notice: (m) => log(`leftover ${service}: ${m}`) });
    }),
  );
  return reaped;
}
