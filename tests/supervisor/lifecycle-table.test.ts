// The lifecycle table alone (src/supervisor/lifecycle.ts): every row, no processes, no timers.
import { describe, expect, test } from "bun:test";
import type { CrashDecision } from "../../src/supervisor/crash-decision.ts";
import {
  type ChildPhase,
  type Effect,
  type ExitFacts,
  INITIAL,
  type LifeEvent,
  type LifeState,
  type Status,
  transition,
} from "../../src/supervisor/lifecycle.ts";
import type { SpawnRequest, StartError } from "../../src/supervisor/types.ts";

const AT = "2026-01-01T00:00:00.000Z";
const req: SpawnRequest = { short: "web", cmd: ["web"] };
const error: StartError = { error_type: "spawn_failed", error_description: "could not spawn web: EACCES", at: AT };
const unready: StartError = { error_type: "not_ready", error_description: "web is running but not ready", at: AT };

/** Runs one transition; `decision` is what the crash decision would say (and `asked` records what it was asked). */
function run(state: LifeState, event: LifeEvent, decision?: CrashDecision) {
  const asked: ExitFacts[] = [];
  const out = transition(state, event, {
    service: "web",
    at: AT,
    decideCrash: (exit) => {
      asked.push(exit);
      if (!decision) throw new Error("no crash decision expected");
      return decision;
    },
  });
  return { ...out, kinds: out.effects.map((e) => e.kind), asked };
}

const st = (status: Status, child: ChildPhase, extra: Partial<LifeState> = {}): LifeState => ({ status, child, ready: false, ...extra });
const up = st("running", "up", { ready: true, pid: 42 });
const emitted = (effects: Effect[]) => effects.flatMap((e) => (e.kind === "emit" ? [e.event] : []));
const PHASES: ChildPhase[] = ["none", "pending", "up", "ending", "stopping"];
const STATUSES: Status[] = ["starting", "running", "restarting", "stopped", "crashed", "completed"];

describe("start_requested", () => {
  test.each(["stopped", "crashed", "completed"] as const)("%s, no child → starting: fresh logs and budget, the new request, launch", (status) => {
    const r = run(st(status, "none"), { type: "start_requested", req });
    expect(r.next).toEqual(st("starting", "pending"));
    expect(r.effects).toEqual([
      { kind: "clear_logs" },
      { kind: "set_request", req },
      { kind: "cancel_timer" },
      { kind: "reset_budget" },
      { kind: "launch" },
    ]);
  });

  test("restarting (respawn pending) → stays restarting, keeps the logs, cancels the respawn, launches", () => {
    const r = run(st("restarting", "none"), { type: "start_requested", req });
    expect(r.next).toEqual(st("restarting", "pending"));
    expect(r.kinds).toEqual(["set_request", "cancel_timer", "reset_budget", "launch"]);
  });

  test.each(["pending", "up", "ending"] as const)("child %s → joined: nothing changes", (child) => {
    const state = st("starting", child, { pid: 42 });
    expect(run(state, { type: "start_requested", req })).toMatchObject({ next: state, effects: [] });
  });

  test("child stopping → the caller waits for the stop", () => {
    const state = st("running", "stopping", { pid: 42 });
    expect(run(state, { type: "start_requested", req })).toMatchObject({ next: state, effects: [{ kind: "await_stop" }] });
  });
});

describe("restart_requested (after its stop)", () => {
  test("no child → starting with a fresh budget, logs kept", () => {
    const r = run(st("stopped", "none"), { type: "restart_requested" });
    expect(r.next).toEqual(st("starting", "pending"));
    expect(r.kinds).toEqual(["reset_budget", "launch"]);
  });

  test("restarting stays restarting until the spawn", () => {
    expect(run(st("restarting", "none"), { type: "restart_requested" }).next).toEqual(st("restarting", "pending"));
  });

  test.each(["pending", "up", "ending", "stopping"] as const)("child %s (someone started it meanwhile) → joined", (child) => {
    const state = st("starting", child);
    expect(run(state, { type: "restart_requested" })).toMatchObject({ next: state, effects: [] });
  });
});

describe("spawn_failed", () => {
  test("a pending launch → crashed with the start error, noticed and emitted", () => {
    const r = run(st("starting", "pending"), { type: "spawn_failed", error });
    expect(r.next).toEqual(st("crashed", "none"));
    expect(r.effects).toEqual([
      { kind: "set_start_error", error },
      { kind: "notice", message: error.error_description },
      { kind: "emit", event: { type: "start_failed", service: "web", error, at: AT } },
    ]);
  });

  test.each(["none", "up", "ending", "stopping"] as const)("child %s (the launch was called off) → ignored", (child) => {
    const state = st("stopped", child);
    expect(run(state, { type: "spawn_failed", error })).toMatchObject({ next: state, effects: [] });
  });
});

test("spawned → starting, not ready, with the pid; `started` emitted", () => {
  const r = run(st("restarting", "pending"), { type: "spawned", pid: 42 });
  expect(r.next).toEqual(st("starting", "up", { pid: 42 }));
  expect(r.effects).toEqual([{ kind: "emit", event: { type: "started", service: "web", pid: 42, at: AT } }]);
});

describe("gate_closed", () => {
  test("starting, ready meanwhile or no check → running, nothing else", () => {
    const r = run(st("starting", "up", { pid: 42 }), { type: "gate_closed" });
    expect(r).toMatchObject({ next: st("running", "up", { pid: 42 }), effects: [] });
  });

  test("not ready → running anyway, with the start error noticed", () => {
    const r = run(st("starting", "up", { pid: 42 }), { type: "gate_closed", unready });
    expect(r.next.status).toBe("running");
    expect(r.effects).toEqual([
      { kind: "set_start_error", error: unready },
      { kind: "notice", message: unready.error_description },
    ]);
  });

  test("a child being stopped also leaves starting", () => {
    expect(run(st("starting", "stopping", { pid: 42 }), { type: "gate_closed" }).next.status).toBe("running");
  });

  test.each(["none", "pending"] as const)("child %s → ignored", (child) => {
    const state = st("starting", child);
    expect(run(state, { type: "gate_closed", unready })).toMatchObject({ next: state, effects: [] });
  });
});

describe("ready", () => {
  test("starting → running and ready; an unready start error is cleared; `ready` emitted", () => {
    const r = run(st("starting", "up", { pid: 42 }), { type: "ready" });
    expect(r.next).toEqual(st("running", "up", { pid: 42, ready: true }));
    expect(r.effects).toEqual([
      { kind: "clear_unready_error" },
      { kind: "emit", event: { type: "ready", service: "web", pid: 42, at: AT } },
    ]);
  });

  test("running (ready late, after the gate) → ready", () => {
    expect(run(st("running", "up", { pid: 42 }), { type: "ready" }).next).toEqual(up);
  });

  test.each(["none", "pending"] as const)("child %s → ignored", (child) => {
    const state = st("starting", child);
    expect(run(state, { type: "ready" })).toMatchObject({ next: state, effects: [] });
  });
});

describe("liveness_failed and crash_forced: end the child, to be restarted as a crash", () => {
  test("liveness_failed on a child that is up → ending, with the failure as the cause", () => {
    const r = run(up, { type: "liveness_failed", detail: "connection refused", failures: 3 });
    const cause = "liveness probe failed 3 times in a row (connection refused)";
    expect(r.next).toEqual({ ...up, child: "ending", cause, forcedBy: "liveness" });
    expect(r.effects).toEqual([{ kind: "notice", message: `${cause}; restarting` }, { kind: "signal_group" }]);
  });

  test("crash_forced carries its own cause", () => {
    const r = run(up, { type: "crash_forced", cause: "memory 600 MiB over max_memory 512 MiB", by: "max_memory" });
    expect(r.next).toMatchObject({ cause: "memory 600 MiB over max_memory 512 MiB", forcedBy: "max_memory" });
    expect(r.kinds).toEqual(["notice", "signal_group"]);
  });

  test.each(["none", "pending", "ending", "stopping"] as const)("child %s → ignored (no second kill, a stop wins)", (child) => {
    const state = st("running", child, { pid: 42 });
    expect(run(state, { type: "crash_forced", cause: "x", by: "max_memory" })).toMatchObject({ next: state, effects: [] });
    expect(run(state, { type: "liveness_failed", detail: "x", failures: 1 })).toMatchObject({ next: state, effects: [] });
  });
});

describe("stop_requested", () => {
  test.each(["up", "ending"] as const)("child %s → stopping: cancel the respawn, signal the group and the escaped", (child) => {
    const r = run({ ...up, child }, { type: "stop_requested" });
    expect(r.next).toEqual({ ...up, child: "stopping" });
    expect(r.kinds).toEqual(["cancel_timer", "signal_group", "sweep_escaped"]);
  });

  test("already stopping → nothing more is signalled", () => {
    const state = { ...up, child: "stopping" as const };
    expect(run(state, { type: "stop_requested" })).toMatchObject({ next: state, effects: [{ kind: "cancel_timer" }] });
  });

  test.each([
    ["restarting", "none"],
    ["starting", "pending"],
    ["crashed", "none"],
    ["completed", "none"],
  ] as const)("%s with child %s → stopped without a signal; the launch is called off, `stopped` emitted", (status, child) => {
    const r = run(st(status, child), { type: "stop_requested" });
    expect(r.next).toEqual(st("stopped", "none"));
    expect(r.effects).toEqual([
      { kind: "cancel_timer" },
      { kind: "cancel_launch" },
      { kind: "emit", event: { type: "stopped", service: "web", at: AT } },
    ]);
  });

  test("stopped → stays stopped, emits nothing", () => {
    expect(run(INITIAL, { type: "stop_requested" })).toMatchObject({ next: INITIAL, effects: [{ kind: "cancel_timer" }, { kind: "cancel_launch" }] });
  });
});

describe("exited", () => {
  const exit: LifeEvent = { type: "exited", code: 1, signal: undefined };
  const exitedEvent = { type: "exited" as const, service: "web", pid: 42, exitCode: 1, signal: undefined, at: AT };

  test("after a stop → stopped; `exited` then `stopped`; no crash decision", () => {
    const r = run({ ...up, child: "stopping" }, exit);
    expect(r.next).toEqual(st("stopped", "none"));
    expect(r.asked).toEqual([]);
    expect(r.kinds).toEqual(["record_exit", "emit", "emit"]);
    expect(emitted(r.effects)).toEqual([exitedEvent, { type: "stopped", service: "web", at: AT }]);
  });

  test("on its own, decided final-completed → completed, reason recorded, no crash recorded", () => {
    const r = run(up, { type: "exited", code: 0 }, { kind: "final", status: "completed", how: "exited with code 0", notice: "n" });
    expect(r.next).toEqual(st("completed", "none"));
    expect(r.asked).toEqual([{ code: 0, signal: undefined, cause: undefined }]);
    expect(r.effects).toEqual([
      { kind: "record_exit", code: 0, signal: undefined },
      { kind: "record_reason", how: "exited with code 0" },
      { kind: "notice", message: "n" },
      { kind: "emit", event: { ...exitedEvent, exitCode: 0 } },
    ]);
  });

  test("decided final-crashed → crashed, the crash's time recorded", () => {
    const r = run(up, exit, { kind: "final", status: "crashed", how: "exited with code 1", notice: "n" });
    expect(r.next).toEqual(st("crashed", "none"));
    expect(r.kinds).toEqual(["record_exit", "record_reason", "record_crash", "notice", "emit"]);
  });

  test("decided give_up → crashed; `exited` then `gave_up`", () => {
    const r = run(up, exit, { kind: "give_up", crashes: 5, how: "h", notice: "n" });
    expect(r.next).toEqual(st("crashed", "none"));
    expect(r.effects).toContainEqual({ kind: "record_crash", crashes: 5 });
    expect(emitted(r.effects)).toEqual([exitedEvent, { type: "gave_up", service: "web", crashes: 5, at: AT }]);
  });

  test("decided respawn → restarting, the timer armed before anyone hears of it", () => {
    const r = run(up, exit, { kind: "respawn", crashes: 2, streak: 1, delayMs: 200, how: "h", notice: "n" });
    expect(r.next).toEqual(st("restarting", "none"));
    expect(r.kinds).toEqual(["record_exit", "record_reason", "record_crash", "notice", "arm_timer", "emit", "emit"]);
    expect(r.effects).toContainEqual({ kind: "arm_timer", delayMs: 200 });
    expect(emitted(r.effects)).toEqual([exitedEvent, { type: "restarting", service: "web", delayMs: 200, at: AT }]);
  });

  test("a child the supervisor ended → the cause goes to the decision and onto `exited`", () => {
    const r = run({ ...up, child: "ending", cause: "liveness" }, { type: "exited", code: null, signal: "SIGTERM" }, {
      kind: "respawn", crashes: 1, streak: 1, delayMs: 100, how: "restarted: liveness", notice: "n",
    });
    expect(r.asked).toEqual([{ code: null, signal: "SIGTERM", cause: "liveness" }]);
    expect(emitted(r.effects)[0]).toMatchObject({ type: "exited", signal: "SIGTERM", livenessFailure: "liveness" });
  });

  test("a child ended by max_memory → `exited` says memoryExceeded, not livenessFailure", () => {
    const r = run({ ...up, child: "ending", cause: "memory 9 MB over max_memory 8 MB", forcedBy: "max_memory" }, { type: "exited", code: null, signal: "SIGTERM" }, {
      kind: "respawn", crashes: 1, streak: 1, delayMs: 100, how: "restarted: memory", notice: "n",
    });
    const exited = emitted(r.effects)[0];
    expect(exited).toMatchObject({ type: "exited", memoryExceeded: "memory 9 MB over max_memory 8 MB" });
    expect(exited).not.toHaveProperty("livenessFailure");
  });

  test.each(["none", "pending"] as const)("child %s (an exit already handled) → ignored", (child) => {
    const state = st("stopped", child);
    expect(run(state, exit)).toMatchObject({ next: state, effects: [] });
  });
});

describe("restart_timer_fired", () => {
  test("restarting, no child → launches the respawn, still restarting", () => {
    const r = run(st("restarting", "none"), { type: "restart_timer_fired" });
    expect(r.next).toEqual(st("restarting", "pending"));
    expect(r.kinds).toEqual(["cancel_timer", "launch"]);
  });

  test.each(STATUSES.filter((s) => s !== "restarting"))("%s → ignored (a stop or start came first)", (status) => {
    const state = st(status, "none");
    expect(run(state, { type: "restart_timer_fired" })).toMatchObject({ next: state, effects: [] });
  });

  test("restarting with a launch already under way → ignored", () => {
    const state = st("restarting", "pending");
    expect(run(state, { type: "restart_timer_fired" })).toMatchObject({ next: state, effects: [] });
  });
});

test("every state × event has a row: none throws, and a child's pid is kept exactly while there is a child", () => {
  const events: LifeEvent[] = [
    { type: "start_requested", req },
    { type: "restart_requested" },
    { type: "spawn_failed", error },
    { type: "spawned", pid: 7 },
    { type: "gate_closed" },
    { type: "ready" },
    { type: "liveness_failed", detail: "d", failures: 1 },
    { type: "crash_forced", cause: "c", by: "max_memory" },
    { type: "stop_requested" },
    { type: "exited", code: 1 },
    { type: "restart_timer_fired" },
  ];
  const decision: CrashDecision = { kind: "final", status: "crashed", how: "h", notice: "n" };
  let rows = 0;
  for (const status of STATUSES) {
    for (const child of PHASES) {
      const spawned = child === "up" || child === "ending" || child === "stopping";
      const state = st(status, child, spawned ? { pid: 42 } : {});
      for (const event of events) {
        const { next } = run(state, event, decision);
        const hasChild = next.child === "up" || next.child === "ending" || next.child === "stopping";
        expect(next.pid !== undefined).toBe(hasChild);
        rows++;
      }
    }
  }
  expect(rows).toBe(STATUSES.length * PHASES.length * events.length);
});
