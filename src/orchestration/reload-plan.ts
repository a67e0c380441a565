/** What a config reload changes. Pure: no I/O. */
import type { ServiceConfig } from "../config/types.ts";

/** Services by fate: added start, removed stop, changed restart, unchanged keep their pid. */
export interface ReloadPlan {
  added: string[];
  removed: string[];
  changed: string[];
  unchanged: string[];
}

/** Compares two service lists by every setting (env values included, as resolved). */
export function planReload(before: readonly ServiceConfig[], after: readonly ServiceConfig[]): ReloadPlan {
  const old = new Map(before.map((s) => [s.name, s]));
  const next = new Map(after.map((s) => [s.name, s]));
  const plan: ReloadPlan = { added: [], removed: [], changed: [], unchanged: [] };
  for (const svc of after) {
    const prior = old.get(svc.name);
    if (!prior) plan.added.push(svc.name);
    else if (fingerprint(prior) !== fingerprint(svc)) plan.changed.push(svc.name);
    else plan.unchanged.push(svc.name);
  }
  for (const svc of before) if (!next.has(svc.name)) plan.removed.push(svc.name);
  return plan;
}

/** A stable text of every setting, keys sorted at every level. */
function fingerprint(svc: ServiceConfig): string {
  return JSON.stringify(svc, (_k, v) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}
