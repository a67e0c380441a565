/** What the Supervisor holds per service and per child, and the snapshot it gives out. */
import { constants as osConstants } from "node:os";
import type { MarkedSweep } from "./escape.ts";
import type { ChildHealth } from "./health.ts";
import type { NotifyWatch } from "./notify-watch.ts";
import { INITIAL, type LifeState } from "./lifecycle.ts";
import { LogRing } from "./log-ring.ts";
import { RestartBudget } from "./restart-budget.ts";
import type { ServiceState, SpawnRequest, StartError, SupervisedProc } from "./types.ts";

/** One spawned process and what is known of its stop. */
export interface Child {
  proc: SupervisedProc;
  pid: number;
  terminating?: Promise<boolean>;
  /** Resolves once the exit has been handled and the service's state updated. */
  handled: Promise<void>;
  /** Its readiness and liveness checks; absent when the service has none (ready once spawned). */
  health?: ChildHealth;
  /** Its NOTIFY_SOCKET, for a `ready: {notify}` service. */
  notify?: NotifyWatch;
  /** This spawn's CANOPY_MARK value, when marking is on. */
  mark?: string;
  /** Its escaped processes being stopped (from the stop request, or the leader's exit). */
  sweep?: MarkedSweep;
  /** When its stop signal went out (epoch ms): the stop deadline of what is left in its cgroup counts from it. */
  signalledAt?: number;
}

/** Everything the Supervisor holds for one service name. */
export interface Entry {
  req: SpawnRequest;
  /** Where the service is in its life (lifecycle.ts); only `Supervisor.dispatch` replaces it. */
  life: LifeState;
  child?: Child;
  /** The launch under way (spawn + readiness gate); concurrent starts join it. */
  launching?: Promise<ServiceState>;
  /** Identifies the current launch; a stop before it has spawned drops it, calling the launch off. */
  launchToken?: number;
  /** Token of the respawn waiting out its delay; replaced or cleared to cancel it. */
  pendingRespawn?: object;
  nextRestartAt?: number;
  startedAt?: string;
  startedAtMs?: number;
  /** Crashes in a row without a healthy run between them: the backoff exponent. */
  streak: number;
  /** Why the service last stopped running on its own, in words. */
  reason?: string;
  budget: RestartBudget;
  restartsInWindow: number;
  lastCrashAt?: string;
  lastExitCode?: number | null;
  exitSignal?: string;
  startError?: StartError;
  logs: LogRing;
}

/** A fresh entry for a service that has not run yet. */
export function newEntry(req: SpawnRequest, logBufferBytes: number): Entry {
  return {
    req,
    life: INITIAL,
    budget: new RestartBudget(),
    restartsInWindow: 0,
    streak: 0,
    logs: new LogRing(logBufferBytes, `[${req.short}] `),
  };
}

/** The state `start`/`get`/`list` return. */
export function snapshot(e: Entry): ServiceState {
    return {
      short: e.req.short,
      status: e.life.status,
      pid: e.child?.pid,
      startedAt: e.startedAt,
      restartsInWindow: e.restartsInWindow,
      lastCrashAt: e.lastCrashAt,
      lastExitCode: e.lastExitCode,
      exitSignal: e.exitSignal,
      startError: e.startError,
      ready: e.life.ready,
      reason: e.reason,
      nextRestartAt: e.nextRestartAt === undefined ? undefined : new Date(e.nextRestartAt).toISOString(),
      cmd: e.req.cmd,
      port: portOf(e.req),
    };
}

/** The port the readiness gate probes: the request's `env.PORT`, when it is a valid port. */
export function portOf(req: SpawnRequest): number | undefined {
  const raw = req.env?.PORT;
  if (raw === undefined) return undefined;
  const port = Number(raw);
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined;
}

/** Bun reports the signal that killed a child by name (or, on some paths, number). */
export function signalName(code: string | number | null | undefined): string | undefined {
  if (code === null || code === undefined) return undefined;
  if (typeof code === "string") return code;
  const found = Object.entries(osConstants.signals).find(([, n]) => n === code);
  return found?.[0];
}

