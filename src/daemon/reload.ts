/** `canopy reload`: re-read the config and apply only the difference. */
import type { ReloadResult } from "../api/wire.ts";
import { type CanopyConfig, loadConfigFileWithWarnings, stopOrder } from "../config/index.ts";
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
 */
export async function reloadConfig(deps: ReloadDeps, dryRun: boolean): Promise<ReloadResult> {
  const before = deps.current();
  const { config: next, warnings } = loadConfigFileWithWarnings(before.file, { env: process.env, ...(before.choice ? { choice: before.choice } : {}) });
  const plan = planReload(before.services, next.services);
  if (dryRun) return { applied: false, plan, warnings };

  const removed = new Set(plan.removed);
  for (const level of stopOrder(before.services)) {
    await Promise.all(level.filter((n) => removed.has(n)).map((n) => deps.orchestrator.remove(n)));
  }
  const changedRunning = plan.changed.filter((n) => deps.orchestrator.isWanted(n));
  const changed = new Set(plan.changed);
  for (const level of stopOrder(before.services)) {
    await Promise.all(level.filter((n) => changed.has(n)).map((n) => deps.orchestrator.stop(n)));
  }
  deps.adopt(next);
  const toStart = [
    ...changedRunning,
    ...plan.added.filter((n) => next.services.find((s) => s.name === n)?.autostart),
  ];
  // A scheduled service is not run by the reload: it runs at its next tick (under its new schedule, if changed).
  await Promise.all(toStart.map((n) => deps.orchestrator.want(n)));
  deps.log(
    `reloaded ${next.file}: ${plan.added.length} added, ${plan.removed.length} removed, ${plan.changed.length} changed, ${plan.unchanged.length} unchanged`,
  );
  return { applied: true, plan, warnings };
}
