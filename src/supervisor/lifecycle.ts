/**
 * A service's whole life as one table: state × event → next state + effects. Pure: no Bun,
 * no timers, no process. The Supervisor only feeds it events and carries out the effects it
 * returns, in order (see supervisor.ts, `dispatch`). New behaviour adds rows here.
 *
 * The state is the public `status` plus where the service's one child is:
 *   none      no child and no launch under way
 *   pending   a launch is under way, not yet spawned (preflight, output sockets)
 *   up        spawned, not asked to stop
 *   ending    spawned, and being killed by the supervisor to restart it as a crash (`cause`)
 *   stopping  spawned, and asked to stop
 *
 * The rows, in short (status/child → status/child, `any` for any status: effects; events not listed for a state change nothing):
 *   start_requested      any/none → starting/pending (restarting stays): clear logs (not a respawn's), take the
 *                        request, cancel the respawn, reset the budget, launch
 *                        any/pending|up|ending: joined · any/stopping: the caller awaits the stop, then asks again
 *   restart_requested    any/none → starting/pending: reset the budget, launch (logs kept) · otherwise joined
 *   spawn_failed         any/pending → crashed/none: start error, notice, emit start_failed
 *   spawned              any → starting/up: emit started
 *   gate_closed          starting/spawned → running (+ start error and notice when not ready)
 *   ready                any/spawned → ready (starting → running): clear an unready error, emit ready
 *   liveness_failed,
 *   crash_forced         any/up → any/ending with the cause: notice, signal the group
 *   stop_requested       any/up|ending → any/stopping: cancel the respawn, signal the group and the escaped
 *                        any/none|pending → stopped/none: cancel respawn and launch, emit stopped (unless stopped)
 *   exited               any/stopping → stopped/none: record, emit exited + stopped
 *                        any/up|ending → the crash decision: completed | crashed (+ gave_up) |
 *                        restarting (arm the respawn timer; emit exited + restarting)
 *   restart_timer_fired  restarting/none → restarting/pending: launch
 */
import type { CrashDecision } from "./crash-decision.ts";
import type { ServiceStatus, SpawnRequest, StartError, SupervisorEvent } from "./types.ts";

export type Status = ServiceStatus;
export type ChildPhase = "none" | "pending" | "up" | "ending" | "stopping";

export interface LifeState {
  readonly status: Status;
  readonly child: ChildPhase;
  /** The current child passed its readiness check (or has none). */
  readonly ready: boolean;
  /** The current child's pid, while there is one. */
  readonly pid?: number;
  /** Why the supervisor is ending the current child (a failed liveness probe, a limit). */
  readonly cause?: string;
  /** Which check `cause` comes from. */
  readonly forcedBy?: ForcedBy;
}

/** What makes the supervisor end a child that is up, to restart it as a crash. */
export type ForcedBy = "liveness" | "max_memory";

export type LifeEvent =
  /** `start()`: run the service with `req`. */
  | { type: "start_requested"; req: SpawnRequest }
  /** `restart()`, once its stop is over: run it again with the same request and logs. */
  | { type: "restart_requested" }
  /** The preflight refused, the binary is missing, or the spawn threw. */
  | { type: "spawn_failed"; error: StartError }
  | { type: "spawned"; pid: number }
  /** The readiness gate's window is over; `unready` says why when the check has not passed. */
  | { type: "gate_closed"; unready?: StartError }
  | { type: "ready" }
  | { type: "liveness_failed"; detail: string; failures: number }
  /** Restart the running child, counted as a crash, for `cause`, found by the check `by`. */
  | { type: "crash_forced"; cause: string; by: ForcedBy }
  | { type: "stop_requested" }
  /** The child's leader exited and what it left in its group is gone. */
  | { type: "exited"; code: number | null; signal?: string; kernel?: string }
  | { type: "restart_timer_fired" };

export type Effect =
  | { kind: "set_request"; req: SpawnRequest }
  | { kind: "clear_logs" }
  /** Empties the restart budget and streak, and forgets the last reason and start error. */
  | { kind: "reset_budget" }
  /** Spawns (after the preflight) and runs the readiness gate. */
  | { kind: "launch" }
  /** Calls off a launch that has not spawned yet. */
  | { kind: "cancel_launch" }
  /** The caller waits for the stop under way, then asks again. */
  | { kind: "await_stop" }
  | { kind: "arm_timer"; delayMs: number }
  | { kind: "cancel_timer" }
  /** The stop signal (and SIGCONT) to the group now, SIGKILL at the deadline. */
  | { kind: "signal_group" }
  /** Stops the processes that left the group (escape-proof stop). */
  | { kind: "sweep_escaped" }
  | { kind: "set_start_error"; error: StartError }
  /** Forgets a `not_ready` / `started_but_unbound` start error: the check has passed since. */
  | { kind: "clear_unready_error" }
  /** Forgets the child and its launch, and records how it ended. */
  | { kind: "record_exit"; code: number | null; signal?: string }
  /** Why the service ended on its own, in words. */
  | { kind: "record_reason"; how: string }
  /** Records a crash's time and, when it was counted, the tally in the window and the backoff streak. */
  | { kind: "record_crash"; crashes?: number; streak?: number }
  | { kind: "notice"; message: string }
  | { kind: "emit"; event: SupervisorEvent };

/** How a run ended: its exit, and why when the supervisor ended it. */
export interface ExitFacts {
  code: number | null;
  signal: string | undefined;
  cause: string | undefined;
  /** Why the kernel ended the run, when it did (an OOM kill in the service's cgroup). */
  kernel?: string;
}

export interface LifeContext {
  service: string;
  /** ISO time of the event. */
  at: string;
  /** Counts an unrequested exit in the restart budget and says what follows (crash-decision.ts). */
  decideCrash: (exit: ExitFacts) => CrashDecision;
}

export interface Transition {
  next: LifeState;
  effects: Effect[];
}

export const INITIAL: LifeState = { status: "stopped", child: "none", ready: false };

const same = (state: LifeState): Transition => ({ next: state, effects: [] });

/** Every transition of a service's life. */
export function transition(state: LifeState, event: LifeEvent, ctx: LifeContext): Transition {
  switch (event.type) {
    case "start_requested":
      return onStart(state, event.req);
    case "restart_requested":
      return onRestart(state);
    case "spawn_failed":
      if (state.child !== "pending") return same(state);
      return {
        next: { status: "crashed", child: "none", ready: false },
        effects: [
          { kind: "set_start_error", error: event.error },
          { kind: "notice", message: event.error.error_description },
          { kind: "emit", event: { type: "start_failed", service: ctx.service, error: event.error, at: ctx.at } },
        ],
      };
    case "spawned":
      return {
        next: { status: "starting", child: "up", ready: false, pid: event.pid },
        effects: [{ kind: "emit", event: { type: "started", service: ctx.service, pid: event.pid, at: ctx.at } }],
      };
    case "gate_closed":
      return onGateClosed(state, event.unready);
    case "ready":
      return onReady(state, ctx);
    case "liveness_failed":
      return onCrashForced(state, `liveness probe failed ${event.failures} times in a row (${event.detail})`, "liveness");
    case "crash_forced":
      return onCrashForced(state, event.cause, event.by);
    case "stop_requested":
      return onStop(state, ctx);
    case "exited":
      return onExit(state, event.code, event.signal, ctx, event.kernel);
    case "restart_timer_fired":
      if (state.status !== "restarting" || state.child !== "none") return same(state);
      return { next: { ...state, child: "pending" }, effects: [{ kind: "cancel_timer" }, { kind: "launch" }] };
  }
}

/** A fresh start clears the budget (and, unless it replaces a respawn, the logs); a start under way is joined. */
function onStart(state: LifeState, req: SpawnRequest): Transition {
  switch (state.child) {
    case "pending":
    case "up":
    case "ending":
      return same(state);
    case "stopping":
      return { next: state, effects: [{ kind: "await_stop" }] };
    case "none": {
      // A respawn waiting out its delay stays `restarting` (and keeps its logs) until the spawn.
      const respawn = state.status === "restarting";
      return {
        next: { status: respawn ? "restarting" : "starting", child: "pending", ready: false },
        effects: [
          ...(respawn ? [] : [{ kind: "clear_logs" } as const]),
          { kind: "set_request", req },
          { kind: "cancel_timer" },
          { kind: "reset_budget" },
          { kind: "launch" },
        ],
      };
    }
  }
}

/** After its stop, a restart runs the service again with a new budget, keeping the logs. */
function onRestart(state: LifeState): Transition {
  if (state.child !== "none") return same(state);
  return {
    next: { status: state.status === "restarting" ? "restarting" : "starting", child: "pending", ready: false },
    effects: [{ kind: "reset_budget" }, { kind: "launch" }],
  };
}

/** The gate leaves `starting` either way; an unready service says why and keeps being probed. */
function onGateClosed(state: LifeState, unready: StartError | undefined): Transition {
  if (state.child === "none" || state.child === "pending") return same(state);
  const next = state.status === "starting" ? { ...state, status: "running" as const } : state;
  if (!unready) return { next, effects: [] };
  return {
    next,
    effects: [
      { kind: "set_start_error", error: unready },
      { kind: "notice", message: unready.error_description },
    ],
  };
}

function onReady(state: LifeState, ctx: LifeContext): Transition {
  if (state.child === "none" || state.child === "pending" || state.pid === undefined) return same(state);
  return {
    next: { ...state, status: state.status === "starting" ? "running" : state.status, ready: true },
    effects: [
      { kind: "clear_unready_error" },
      { kind: "emit", event: { type: "ready", service: ctx.service, pid: state.pid, at: ctx.at } },
    ],
  };
}

/** The `exited` event's fields naming why the supervisor ended the child, by the check that did. */
function forcedExitFields(state: LifeState): Partial<Extract<SupervisorEvent, { type: "exited" }>> {
  if (state.cause === undefined) return {};
  return state.forcedBy === "max_memory" ? { memoryExceeded: state.cause } : { livenessFailure: state.cause };
}

/** Only a child that is up is ended; its exit is then a crash with `cause`. */
function onCrashForced(state: LifeState, cause: string, forcedBy: ForcedBy): Transition {
  if (state.child !== "up") return same(state);
  return {
    next: { ...state, child: "ending", cause, forcedBy },
    effects: [
      { kind: "notice", message: `${cause}; restarting` },
      { kind: "signal_group" },
    ],
  };
}

function onStop(state: LifeState, ctx: LifeContext): Transition {
  switch (state.child) {
    case "up":
    case "ending":
      // The stop signal is on its way before stop() yields; escaped processes get it too.
      return {
        next: { ...state, child: "stopping" },
        effects: [{ kind: "cancel_timer" }, { kind: "signal_group" }, { kind: "sweep_escaped" }],
      };
    case "stopping":
      return { next: state, effects: [{ kind: "cancel_timer" }] };
    case "pending":
    case "none": {
      // No live child: nothing to signal (its pid may already belong to someone else).
      const effects: Effect[] = [{ kind: "cancel_timer" }, { kind: "cancel_launch" }];
      if (state.status !== "stopped") effects.push({ kind: "emit", event: { type: "stopped", service: ctx.service, at: ctx.at } });
      return { next: { status: "stopped", child: "none", ready: false }, effects };
    }
  }
}

/**
 * The status is final before anyone hears of the exit, so listeners see where it went:
 * `exited` is emitted after the state is recorded, and what follows it after that.
 */
function onExit(state: LifeState, code: number | null, signal: string | undefined, ctx: LifeContext, kernel?: string): Transition {
  if (state.child === "none" || state.child === "pending" || state.pid === undefined) return same(state);
  const { service, at } = ctx;
  const exited: SupervisorEvent = {
    type: "exited",
    service,
    pid: state.pid,
    exitCode: code,
    signal,
    at,
    ...forcedExitFields(state),
  };
  const record: Effect = { kind: "record_exit", code, signal };
  if (state.child === "stopping") {
    return {
      next: { status: "stopped", child: "none", ready: false },
      effects: [record, { kind: "emit", event: exited }, { kind: "emit", event: { type: "stopped", service, at } }],
    };
  }
  const decision = ctx.decideCrash({ code, signal, cause: state.cause, ...(kernel === undefined ? {} : { kernel }) });
  const notice: Effect = { kind: "notice", message: decision.notice };
  switch (decision.kind) {
    case "final":
      return {
        next: { status: decision.status, child: "none", ready: false },
        effects: [
          record,
          { kind: "record_reason", how: decision.how },
          ...(decision.status === "crashed" ? [{ kind: "record_crash" } as const] : []),
          notice,
          { kind: "emit", event: exited },
        ],
      };
    case "give_up":
      return {
        next: { status: "crashed", child: "none", ready: false },
        effects: [
          record,
          { kind: "record_reason", how: decision.how },
          { kind: "record_crash", crashes: decision.crashes },
          notice,
          { kind: "emit", event: exited },
          { kind: "emit", event: { type: "gave_up", service, crashes: decision.crashes, at } },
        ],
      };
    case "respawn":
      return {
        next: { status: "restarting", child: "none", ready: false },
        effects: [
          record,
          { kind: "record_reason", how: decision.how },
          { kind: "record_crash", crashes: decision.crashes, streak: decision.streak },
          notice,
          { kind: "arm_timer", delayMs: decision.delayMs },
          { kind: "emit", event: exited },
          { kind: "emit", event: { type: "restarting", service, delayMs: decision.delayMs, at } },
        ],
      };
  }
}
