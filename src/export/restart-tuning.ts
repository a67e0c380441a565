/** The restart settings an engine without Canopy's budget and backoff leaves out (pure). */
import { DEFAULTS } from "../config/defaults.ts";
import type { ServiceConfig } from "../config/types.ts";

/** `service.key` for each non-default key among `keys`, as written in canopy.yaml. */
export function tunedRestartKeys(svc: ServiceConfig, keys: readonly RestartKey[]): string[] {
  const actual: Record<RestartKey, boolean> = {
    max_restarts: svc.maxRestarts !== DEFAULTS.maxRestarts,
    restart_window: svc.restartWindowMs !== DEFAULTS.restartWindowMs,
    restart_delay: svc.restartDelayMs !== DEFAULTS.restartDelayMs,
    restart_max_delay: svc.restartMaxDelayMs !== Math.max(DEFAULTS.restartMaxDelayMs, svc.restartDelayMs),
    restart_reset_after: svc.restartResetAfterMs !== DEFAULTS.restartResetAfterMs,
  };
  return keys.filter((k) => actual[k]).map((k) => `${svc.name}.${k}`);
}

export type RestartKey = "max_restarts" | "restart_window" | "restart_delay" | "restart_max_delay" | "restart_reset_after";
