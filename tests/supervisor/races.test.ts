// Orderings of start/stop/restart (and crashes) that must never leave two children of
// one name alive, nor a service that was asked to run without a child. Fakes for the
// child and for every seam; the `sleep` seam is resolved by the test, so "during the
// restart delay" is a state the test holds the supervisor in.
import { describe, expect, test } from "bun:test";
import { type SpawnRequest, Supervisor, type SupervisorEvent } from "../../src/supervisor.ts";
import { makeFleet, makeManualSleep, settle, waitFor } from "./helpers.ts";

const RESTART_DELAY = 13;
const GATE_POLL = 7;
const req: SpawnRequest = { short: "svc", cmd: ["bun", "svc.ts"] };
const withPort: SpawnRequest = { ...req, env: { PORT: "4100" } };

function setup(opts: { stubborn?: boolean; gate?: () => boolean } = {}) {
  const fleet = makeFleet({ stubborn: opts.stubborn });
  const sleeper = makeManualSleep();
  const events: SupervisorEvent[] = [];
  const gate = opts.gate;
  const sup = new Supervisor({
    random: () => 0.5, // no jitter: the delays are exactly restartDelayMs
    spawnFn: fleet.spawn,
    killFn: fleet.killFn,
    sleep: sleeper.sleep,
    output: () => {},
    restartDelayMs: RESTART_DELAY,
    killTimeoutMs: 60_000,
    onEvent: (e) => events.push(e),
    ...(gate ? { portListening: async () => gate(), startReadyMs: 60_000, startReadyPollMs: GATE_POLL } : {}),
  });
  /** The child crashes, and the supervisor is now waiting out the restart delay. */
  const crashIntoDelay = async (code = 1) => {
    fleet.exit(fleet.last(), code);
    await waitFor(
      () => sup.get("svc")?.status === "restarting" && sleeper.pending.some((p) => p.ms === RESTART_DELAY),
      "the restart delay",
    );
  };
  return { fleet, sleeper, events, sup, crashIntoDelay };
}

describe("concurrent calls on one service", () => {
  test("start + start concurrently spawn one child and both see it", async () => {
    const { fleet, sup } = setup();
    const [a, b] = await Promise.all([sup.start(req), sup.start(req)]);
    expect(fleet.requests).toHaveLength(1);
    expect(a).toEqual(b);
    expect(a).toMatchObject({ status: "running", pid: 5000 });
  });

  test("restart + restart concurrently replace the child exactly once", async () => {
    const { fleet, sup } = setup();
    await sup.start(req);
    const [a, b] = await Promise.all([sup.restart("svc"), sup.restart("svc")]);
    expect(fleet.requests).toHaveLength(2);
    expect(fleet.maxAlive("svc")).toBe(1);
    expect(fleet.kills).toEqual([{ pid: 5000, signal: "SIGTERM" }]);
    expect(a).toEqual(b);
    expect(a).toMatchObject({ status: "running", pid: 5001 });
  });

  test("start while a stop is under way waits for the exit, then spawns one child", async () => {
    const { fleet, sup } = setup({ stubborn: true });
    await sup.start(req);
    const stopping = sup.stop("svc");
    const starts = [sup.start(req), sup.start(req)];
    await settle();
    expect(fleet.requests).toHaveLength(1); // the old child has not exited yet
    fleet.exit(fleet.procs[0]!, null);
    const [a, b] = await Promise.all(starts);
    await stopping;
    expect(fleet.requests).toHaveLength(2);
    expect(fleet.maxAlive("svc")).toBe(1);
    expect(a).toEqual(b);
    expect(sup.get("svc")).toMatchObject({ status: "running", pid: 5001 });
  });
});

describe("calls during the restart delay", () => {
  test("stop cancels the pending respawn; resolving the delay then spawns nothing", async () => {
    const { fleet, sleeper, sup, crashIntoDelay } = setup();
    await sup.start(req);
    await crashIntoDelay();
    expect(sup.get("svc")?.nextRestartAt).toBeDefined();

    const stopped = await sup.stop("svc");
    expect(stopped).toMatchObject({ status: "stopped", pid: undefined, nextRestartAt: undefined });

    expect(sleeper.release()).toBe(1);
    await settle();
    expect(fleet.requests).toHaveLength(1);
    expect(sup.get("svc")?.status).toBe("stopped");
    // The crashed child's pid was never signalled: it was gone, and may belong to someone else now.
    expect(fleet.kills).toEqual([]);
  });

  test("start spawns at once; resolving the delay then spawns nothing extra", async () => {
    const { fleet, sleeper, sup, crashIntoDelay } = setup();
    await sup.start(req);
    await crashIntoDelay();

    const started = await sup.start(req);
    expect(started).toMatchObject({ status: "running", pid: 5001, nextRestartAt: undefined });

    expect(sleeper.release()).toBe(1);
    await settle();
    expect(fleet.requests).toHaveLength(2);
    expect(fleet.maxAlive("svc")).toBe(1);
    expect(sup.get("svc")?.pid).toBe(5001);
  });

  test("restart spawns at once; resolving the delay then spawns nothing extra", async () => {
    const { fleet, sleeper, sup, crashIntoDelay } = setup();
    await sup.start(req);
    await crashIntoDelay();

    const restarted = await sup.restart("svc");
    expect(restarted).toMatchObject({ status: "running", pid: 5001 });
    expect(fleet.kills).toEqual([]);

    sleeper.release();
    await settle();
    expect(fleet.requests).toHaveLength(2);
    expect(fleet.maxAlive("svc")).toBe(1);
  });

  test("start + start + stop + start interleaved around a crash keep at most one child", async () => {
    const { fleet, sleeper, sup, crashIntoDelay } = setup();
    await sup.start(req);
    await crashIntoDelay();
    const a = sup.start(req);
    const b = sup.start(req);
    await Promise.all([a, b, sup.stop("svc")]);
    await sup.start(req);
    sleeper.release();
    await settle();
    expect(fleet.maxAlive("svc")).toBe(1);
    expect(fleet.alive("svc")).toBe(1);
    expect(sup.get("svc")).toMatchObject({ status: "running", pid: fleet.last().pid });
  });
});

describe("calls during the readiness gate", () => {
  /** Keeps resolving the gate's poll sleeps until `cond` holds. */
  const pumpGateUntil = (sleeper: ReturnType<typeof makeManualSleep>, cond: () => boolean, what: string) =>
    waitFor(() => {
      sleeper.release(GATE_POLL);
      return cond();
    }, what);

  test("a crash during the gate is still respawned after the delay", async () => {
    let bound = false;
    const { fleet, sleeper, sup, crashIntoDelay } = setup({ gate: () => bound });
    void sup.start(withPort);
    await waitFor(() => sleeper.pending.some((p) => p.ms === GATE_POLL), "the gate to poll");

    await crashIntoDelay();
    // The delay ends while the first launch is still between two probes.
    sleeper.release(RESTART_DELAY);
    await waitFor(() => fleet.requests.length === 2, "the respawn", 2000);

    bound = true;
    await pumpGateUntil(sleeper, () => sup.get("svc")?.status === "running", "the respawn to be running");
    expect(sup.get("svc")).toMatchObject({ status: "running", pid: 5001, restartsInWindow: 1 });
    expect(fleet.maxAlive("svc")).toBe(1);
  });

  test("restart during the gate ends with a fresh running child", async () => {
    let bound = false;
    const { fleet, sleeper, sup } = setup({ gate: () => bound });
    const first = sup.start(withPort);
    await waitFor(() => sleeper.pending.some((p) => p.ms === GATE_POLL), "the gate to poll");

    let restarted: Awaited<ReturnType<Supervisor["restart"]>> | "pending" = "pending";
    void sup.restart("svc").then((s) => {
      restarted = s;
    });
    await waitFor(() => fleet.kills.length === 1, "the stop signal");
    bound = true;
    await pumpGateUntil(sleeper, () => restarted !== "pending", "restart to resolve");
    await first;

    expect(restarted).toMatchObject({ status: "running", pid: 5001 });
    expect(fleet.requests).toHaveLength(2);
    expect(fleet.maxAlive("svc")).toBe(1);
  });

  test("stop during the gate, then start, spawns a fresh child", async () => {
    let bound = false;
    const { fleet, sleeper, sup } = setup({ gate: () => bound });
    const first = sup.start(withPort);
    await waitFor(() => sleeper.pending.some((p) => p.ms === GATE_POLL), "the gate to poll");
    expect(await sup.stop("svc")).toMatchObject({ status: "stopped" });

    let started: Awaited<ReturnType<Supervisor["start"]>> | "pending" = "pending";
    void sup.start(withPort).then((s) => {
      started = s;
    });
    bound = true;
    await pumpGateUntil(sleeper, () => started !== "pending", "start to resolve");
    await first;

    expect(started).toMatchObject({ status: "running", pid: 5001 });
    expect(fleet.requests).toHaveLength(2);
  });

  test("start while a stop of a still-gated child is under way spawns a fresh child", async () => {
    let bound = false;
    const { fleet, sleeper, sup } = setup({ stubborn: true, gate: () => bound });
    const first = sup.start(withPort);
    await waitFor(() => sleeper.pending.some((p) => p.ms === GATE_POLL), "the gate to poll");
    const stopping = sup.stop("svc");
    let started: Awaited<ReturnType<Supervisor["start"]>> | "pending" = "pending";
    void sup.start(withPort).then((s) => {
      started = s;
    });
    await settle();
    fleet.exit(fleet.procs[0]!, null); // the old child finally goes
    await stopping;
    bound = true;
    await pumpGateUntil(sleeper, () => started !== "pending", "start to resolve");
    await first;

    expect(started).toMatchObject({ status: "running", pid: 5001 });
    expect(fleet.requests).toHaveLength(2);
    expect(fleet.maxAlive("svc")).toBe(1);
  });
});

describe("a child's pid is forgotten once it has exited", () => {
  test("stop() on a service that crashed (policy never) never calls killFn", async () => {
    const { fleet, sup } = setup();
    await sup.start({ ...req, restart: "never" });
    fleet.exit(fleet.last(), 1);
    await waitFor(() => sup.get("svc")?.status === "crashed", "the crash");
    expect(sup.get("svc")?.pid).toBeUndefined();
    expect(await sup.stop("svc")).toMatchObject({ status: "stopped", pid: undefined });
    expect(fleet.kills).toEqual([]);
  });

  test("stop() on a service that gave up never calls killFn", async () => {
    const { fleet, sup } = setup();
    await sup.start({ ...req, maxRestarts: 1 });
    fleet.exit(fleet.last(), 1);
    await waitFor(() => sup.get("svc")?.status === "crashed", "giving up");
    await sup.stop("svc");
    expect(fleet.kills).toEqual([]);
  });

  test("a second stop() of a stopped service signals nothing more", async () => {
    const { fleet, sup } = setup();
    await sup.start(req);
    await sup.stop("svc");
    expect(fleet.kills).toEqual([{ pid: 5000, signal: "SIGTERM" }]);
    expect(await sup.stop("svc")).toMatchObject({ status: "stopped", pid: undefined });
    expect(fleet.kills).toEqual([{ pid: 5000, signal: "SIGTERM" }]);
  });

  test("restart() of a crashed service signals nothing and spawns a fresh child", async () => {
    const { fleet, sup } = setup();
    await sup.start({ ...req, restart: "never" });
    fleet.exit(fleet.last(), 1);
    await waitFor(() => sup.get("svc")?.status === "crashed", "the crash");
    expect(await sup.restart("svc")).toMatchObject({ status: "running", pid: 5001 });
    expect(fleet.kills).toEqual([]);
  });
});

describe("calls during the preflight check (the daemon's port check)", () => {
  /** A supervisor whose preflight waits until the test releases it. */
  function withPreflight() {
    const fleet = makeFleet();
    const pending: (() => void)[] = [];
    const sup = new Supervisor({
      spawnFn: fleet.spawn,
      killFn: fleet.killFn,
      output: () => {},
      preflight: () => new Promise((resolve) => pending.push(() => resolve(undefined))),
    });
    const release = () => {
      for (const r of pending.splice(0)) r();
    };
    return { fleet, sup, pending, release };
  }

  test("a service whose start waits on the check reads as starting, not stopped", async () => {
    const { fleet, sup, pending, release } = withPreflight();
    const started = sup.start(req);
    await waitFor(() => pending.length === 1, "the check to begin");
    expect(sup.get("svc")?.status).toBe("starting");
    expect(fleet.requests).toHaveLength(0);
    release();
    expect(await started).toMatchObject({ status: "running", pid: 5000 });
  });

  test("a stop during the check wins: nothing is spawned", async () => {
    const { fleet, sup, pending, release } = withPreflight();
    const started = sup.start(req);
    await waitFor(() => pending.length === 1, "the check to begin");
    expect(await sup.stop("svc")).toMatchObject({ status: "stopped" });
    release();
    expect(await started).toMatchObject({ status: "stopped" });
    await settle();
    expect(fleet.requests).toHaveLength(0);
    // A later start goes ahead as usual.
    const again = sup.start(req);
    await waitFor(() => pending.length === 1, "the second check");
    release();
    expect(await again).toMatchObject({ status: "running", pid: 5000 });
  });

  test("two restarts overlapping in the check end with one running child, and both callers see it", async () => {
    const { fleet, sup, pending, release } = withPreflight();
    const first = sup.start(req);
    await waitFor(() => pending.length === 1, "the first check");
    release();
    expect(await first).toMatchObject({ status: "running", pid: 5000 });
    // The first restart stops the child and waits in its check; the second one's stop finds
    // no child and calls that launch off, then launches its own.
    const a = sup.restart("svc");
    await waitFor(() => pending.length === 1, "the first restart's check");
    const b = sup.restart("svc");
    await waitFor(() => pending.length === 2, "the second restart's check");
    release();
    const [sa, sb] = await Promise.all([a, b]);
    expect(sb).toMatchObject({ status: "running", pid: 5001 });
    expect(sa).toMatchObject({ status: "running", pid: 5001 });
    await settle();
    expect(fleet.requests).toHaveLength(2);
    expect(sup.get("svc")).toMatchObject({ status: "running", pid: 5001 });
  });
});
