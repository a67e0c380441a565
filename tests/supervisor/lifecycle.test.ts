// What a fresh start, a restart and each restart policy do to a service's state: its
// restart budget, its log buffer, and whether a respawn follows. Fakes for the child.
import { describe, expect, test } from "bun:test";
import { type SpawnRequest, Supervisor, type SupervisorEvent } from "../../src/supervisor.ts";
import { makeFleet, settle, waitFor } from "./helpers.ts";

const req: SpawnRequest = { short: "svc", cmd: ["bun", "svc.ts"] };

function setup(extra: { maxRestarts?: number } = {}) {
  const fleet = makeFleet();
  const events: SupervisorEvent[] = [];
  const output: string[] = [];
  const sup = new Supervisor({
    spawnFn: fleet.spawn,
    killFn: fleet.killFn,
    sleep: () => Promise.resolve(),
    restartDelayMs: 0,
    output: (l) => output.push(l),
    onEvent: (e) => events.push(e),
    now: () => 1_000_000, // every crash falls in one window
    ...extra,
  });
  /** The current child crashes; resolves once the supervisor has respawned it or given up. */
  const crash = async (code = 1) => {
    const spawned = fleet.requests.length;
    fleet.exit(fleet.last(), code);
    await waitFor(
      () => fleet.requests.length > spawned || sup.get("svc")?.status === "crashed",
      "a respawn or giving up",
    );
  };
  return { fleet, events, output, sup, crash };
}

describe("a fresh start of a crashed service", () => {
  test("clears the restart budget: back to 0, and maxRestarts-1 more crashes are respawned", async () => {
    const { fleet, sup, crash } = setup({ maxRestarts: 3 });
    await sup.start(req);
    for (let i = 0; i < 3; i++) await crash();
    expect(sup.get("svc")).toMatchObject({ status: "crashed", restartsInWindow: 3 });
    expect(fleet.requests).toHaveLength(3);

    expect(await sup.start(req)).toMatchObject({ status: "running", restartsInWindow: 0, pid: 5003 });

    const seen: [string | undefined, number | undefined][] = [];
    for (let i = 0; i < 3; i++) {
      await crash();
      const s = sup.get("svc");
      seen.push([s?.status, s?.restartsInWindow]);
    }
    expect(seen).toEqual([
      ["running", 1],
      ["running", 2],
      ["crashed", 3],
    ]);
    expect(fleet.requests).toHaveLength(6);
  });

  test("restart() of a service that gave up also clears the budget", async () => {
    const { sup, crash } = setup({ maxRestarts: 2 });
    await sup.start(req);
    await crash();
    await crash();
    expect(sup.get("svc")).toMatchObject({ status: "crashed", restartsInWindow: 2 });
    expect(await sup.restart("svc")).toMatchObject({ status: "running", restartsInWindow: 0 });
    await crash();
    expect(sup.get("svc")).toMatchObject({ status: "running", restartsInWindow: 1 });
  });
});

describe("the log buffer across restarts", () => {
  test("restart() keeps the buffer: the crash cause is still in logs()", async () => {
    const { fleet, sup } = setup();
    await sup.start({ ...req, restart: "never" });
    fleet.last().emitStderr("FATAL: config missing\n");
    await waitFor(() => (sup.logs("svc") ?? []).length === 1, "the crash cause in logs");
    fleet.exit(fleet.last(), 1);
    await waitFor(() => sup.get("svc")?.status === "crashed", "the crash");

    await sup.restart("svc");
    fleet.last().emitStdout("second run\n");
    await waitFor(() => (sup.logs("svc") ?? []).length === 2, "the second run's line");
    expect(sup.logs("svc")).toEqual(["[svc] FATAL: config missing\n", "[svc] second run\n"]);
  });

  test("restart() of a running service keeps the buffer too", async () => {
    const { fleet, sup } = setup();
    await sup.start(req);
    fleet.last().emitStdout("before\n");
    await waitFor(() => (sup.logs("svc") ?? []).length === 1, "the first line");
    await sup.restart("svc");
    expect(sup.logs("svc")).toEqual(["[svc] before\n"]);
  });

  test("an explicit start after stop gives a fresh buffer", async () => {
    const { fleet, sup } = setup();
    await sup.start(req);
    fleet.last().emitStdout("old run\n");
    await waitFor(() => (sup.logs("svc") ?? []).length === 1, "the first line");
    await sup.stop("svc");
    expect(sup.logs("svc")).toEqual(["[svc] old run\n"]); // still readable while stopped

    await sup.start(req);
    expect(sup.logs("svc")).toEqual([]);
    fleet.last().emitStdout("new run\n");
    await waitFor(() => (sup.logs("svc") ?? []).length === 1, "the new line");
    expect(sup.logs("svc")).toEqual(["[svc] new run\n"]);
  });
});

describe("restart policies", () => {
  const typesOf = (events: SupervisorEvent[]) => events.map((e) => e.type);

  test('"never": exit 1 → crashed, no respawn', async () => {
    const { fleet, events, output, sup } = setup();
    await sup.start({ ...req, restart: "never" });
    fleet.exit(fleet.last(), 1);
    await waitFor(() => sup.get("svc")?.status === "crashed", "crashed");
    await settle();
    expect(sup.get("svc")).toEqual({
      short: "svc",
      status: "crashed",
      startedAt: expect.any(String),
      restartsInWindow: 0,
      lastCrashAt: expect.any(String),
      lastExitCode: 1,
      ready: false,
      reason: "exited with code 1",
      cmd: req.cmd,
    });
    expect(fleet.requests).toHaveLength(1);
    expect(typesOf(events)).toEqual(["started", "ready", "exited"]);
    expect(output).toContain('[svc] exited with code 1; restart policy "never", not restarting\n');
  });

  test('"never": exit 0 → completed', async () => {
    const { fleet, sup } = setup();
    await sup.start({ ...req, restart: "never" });
    fleet.exit(fleet.last(), 0);
    await waitFor(() => sup.get("svc")?.status !== "running", "the exit");
    await settle();
    expect(sup.get("svc")).toMatchObject({ status: "completed", lastExitCode: 0, lastCrashAt: undefined });
    expect(fleet.requests).toHaveLength(1);
  });

  test('"on-failure": exit 0 → completed, no respawn', async () => {
    const { fleet, events, sup } = setup();
    await sup.start({ ...req, restart: "on-failure" });
    fleet.exit(fleet.last(), 0);
    await waitFor(() => sup.get("svc")?.status !== "running", "the exit");
    await settle();
    expect(sup.get("svc")).toEqual({
      short: "svc",
      status: "completed",
      startedAt: expect.any(String),
      restartsInWindow: 0,
      lastExitCode: 0,
      ready: false,
      reason: "exited with code 0",
      cmd: req.cmd,
    });
    expect(fleet.requests).toHaveLength(1);
    expect(typesOf(events)).toEqual(["started", "ready", "exited"]);
  });

  test('"on-failure": exit 1 → respawned (and counted)', async () => {
    const { fleet, events, sup, crash } = setup();
    await sup.start({ ...req, restart: "on-failure" });
    await crash(1);
    expect(fleet.requests).toHaveLength(2);
    expect(sup.get("svc")).toMatchObject({ status: "running", restartsInWindow: 1, lastExitCode: 1 });
    expect(typesOf(events)).toEqual(["started", "ready", "exited", "restarting", "started", "ready"]);
  });

  test('"always" (the default): exit 0 → respawned', async () => {
    const { fleet, sup, crash } = setup();
    await sup.start(req);
    await crash(0);
    expect(fleet.requests).toHaveLength(2);
    expect(sup.get("svc")).toMatchObject({ status: "running", restartsInWindow: 1, lastExitCode: 0 });
  });
});
