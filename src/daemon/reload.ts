/** `canopy reload`: re-read the config and apply only the difference. */
import type { ReloadResult } from "../api/wire.ts";
import { type CanopyConfig, loadConfigFileWithWarnings, type ServiceConfig, stopOrder } from "../config/index.ts";
import { expandServices, serviceOf } from "../config/replicas.ts";
import type { Orchestrator } from "../orchestration/orchestrator.ts";
import { planReload } from "../orchestration/reload-plan.ts";

export interface ReloadDeps {
  current: () => CanopyConfig;
  /** Makes `next` the daemon's config (before anything starts under it). */
  adopt: (next: CanopyConfig) => void;
  orchestrator: Orchestrator;
  log: (message: string) => void;
}

/**
 * Re-reads the config file; an invalid one throws (CanopyError "invalid_config") and
 * changes nothing. Otherwise: removed services stop (dependents first), changed ones
 * restart with their new settings if they were wanted running, added autostart ones
 * start, and unchanged ones keep running with the same pid. `${NAME}` references resolve from
 * the daemon's own environment (inherited from the `canopy up` that started it): a `canopy
 * reload` sends none of its own.
 *
 * The plan it reports is by service; it is applied by process, so a changed `replicas` starts or
 * stops only the replicas it adds or drops, and the others keep their pids.
 */
export async function reloadConfig(deps: ReloadDeps, dryRun: boolean): Promise<ReloadResult> {
  const before = deps.current();
  const { config: next, warnings } = loadConfigFileWithWarnings(before.file, { env: process.env, ...(before.choice ? { choice: before.choice } : {}) });
  const plan = planReload(before.services, next.services);
  if (dryRun) return { applied: false, plan, warnings };

  const { orchestrator } = deps;
  const was = orchestrator.instances();
  const procs = planReload(was, expandServices(next.services, orchestrator.countsFor(next)));
  const wantedServices = new Set(was.filter((p) => orchestrator.isWanted(p.name)).map((p) => serviceOf(p.name)));
  const levels = processLevels(before.services, was);
  const removed = new Set(procs.removed);
  for (const level of levels) {
    await Promise.all(level.filter((n) => removed.has(n)).map((n) => orchestrator.remove(n)));
  }
  const changedRunning = procs.changed.filter((n) => orchestrator.isWanted(n));
  const changed = new Set(procs.changed);
  for (const level of levels) {
    await Promise.all(level.filter((n) => changed.has(n)).map((n) => orchestrator.stop(n)));
  }
  deps.adopt(next);
  const existed = new Set(before.services.map((s) => s.name));
  const autostart = new Set(next.services.filter((s) => s.autostart).map((s) => s.name));
  // An added replica of a service that was running starts; a new service starts if it autostarts.
  const added = procs.added.filter((n) => {
    const service = serviceOf(n);
    return existed.has(service) ? wantedServices.has(service) : autostart.has(service);
  });
  // A scheduled service is not run by the reload: it runs at its next tick (under its new schedule, if changed).
  await Promise.all([...changedRunning, ...added].map((n) => orchestrator.want(n)));
  deps.log(
    `reloaded ${next.file}: ${plan.added.length} added, ${plan.removed.length} removed, ${plan.changed.length} changed, ${plan.unchanged.length} unchanged`,
  );
  return { applied: true, plan, warnings };
}

/** `stopOrder` of the services, each service's name replaced by the names of its processes. */
function processLevels(services: ServiceConfig[], procs: readonly ServiceConfig[]): string[][] {
  return stopOrder(services).map((level) => {
    const names = new Set(level);
    return procs.filter((p) => names.has(serviceOf(p.name))).map((p) => p.name);
  });
}
