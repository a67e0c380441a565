/** ServiceConfig → the Supervisor's SpawnRequest. */
import type { SpawnRequest } from "../supervisor/types.ts";
import type { ServiceConfig } from "./types.ts";

/**
 * The SpawnRequest that runs `svc` (`killTimeoutMs` is its `stopTimeoutMs`); only its `ready` gates it, never a PORT in its env.
 * A scheduled service is never restarted: its exit, whatever it is, ends the run (the next tick runs it again).
 */
export function toSpawnRequest(svc: ServiceConfig): SpawnRequest {
  return {
    short: svc.name,
    cmd: [...svc.cmd],
    env: { ...svc.env },
    cwd: svc.cwd,
    restart: svc.schedule === undefined ? svc.restart : "never",
    maxRestarts: svc.maxRestarts,
    restartWindowMs: svc.restartWindowMs,
    restartDelayMs: svc.restartDelayMs,
    stopSignal: svc.stopSignal,
    killTimeoutMs: svc.stopTimeoutMs,
    restartMaxDelayMs: svc.restartMaxDelayMs,
    restartResetAfterMs: svc.restartResetAfterMs,
    ...(svc.ready ? { ready: svc.ready } : {}),
    envPortGate: false,
    ...(svc.alive ? { alive: svc.alive } : {}),
    ...(svc.successExitCodes ? { successExitCodes: [...svc.successExitCodes] } : {}),
    ...(svc.minUptimeMs && svc.schedule === undefined ? { minUptimeMs: svc.minUptimeMs } : {}),
    ...(svc.nice === undefined ? {} : { nice: svc.nice }),
    ...(svc.limits ? { limits: structuredClone(svc.limits) } : {}),
    ...(svc.cgroupLimits ? { cgroupLimits: { ...svc.cgroupLimits } } : {}),
    ...(svc.runAs ? { user: { name: svc.runAs.user, uid: svc.runAs.uid, gid: svc.runAs.gid, groups: [...svc.runAs.groups] } } : {}),
  };
}
