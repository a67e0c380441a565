/** A ServiceConfig as the validator would produce it, with the config defaults, for tests. */
import { DEFAULTS, type ServiceConfig } from "../../src/config/index.ts";

/** `name` running `bun <name>.ts` in /srv with every default; `extra` overrides. */
export function serviceConfig(name: string, extra: Partial<ServiceConfig> = {}): ServiceConfig {
  return {
    name,
    cmd: ["bun", `${name}.ts`],
    cwd: "/srv",
    env: {},
    restart: DEFAULTS.restart,
    maxRestarts: DEFAULTS.maxRestarts,
    restartWindowMs: DEFAULTS.restartWindowMs,
    restartDelayMs: DEFAULTS.restartDelayMs,
    stopSignal: DEFAULTS.stopSignal,
    stopTimeoutMs: DEFAULTS.stopTimeoutMs,
    autostart: DEFAULTS.autostart,
    dependsOn: [],
    restartMaxDelayMs: DEFAULTS.restartMaxDelayMs,
    restartResetAfterMs: DEFAULTS.restartResetAfterMs,
    ...extra,
  };
}
