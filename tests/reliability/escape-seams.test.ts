// The escape-proof stop's decisions, with fake processes: when a mark is set and looked
// up, what is signalled through which seam, and that fakes without the seams see nothing new.
import { describe, expect, test } from "bun:test";
import { Supervisor, type SupervisorOptions } from "../../src/supervisor.ts";
import { type FindMarkedFn, MarkedSweep } from "../../src/supervisor/escape.ts";
import { makeFleet, waitFor } from "../supervisor/helpers.ts";

function setup(opts: SupervisorOptions = {}, fleetOpts: { stubborn?: boolean } = {}) {
  const fleet = makeFleet(fleetOpts);
  const output: string[] = [];
  const sup = new Supervisor({ spawnFn: fleet.spawn, killFn: fleet.killFn, output: (l) => output.push(l), ...opts });
  return { fleet, sup, output };
}

/** A fake /proc: `escaped` pids carry the mark until signalled with one of `fatal`. */
function fakeEscapees(pids: number[], fatal: NodeJS.Signals[] = ["SIGTERM", "SIGKILL"]) {
  const alive = new Set(pids);
  const finds: { mark: string; outsideGroup?: number }[] = [];
  const signals: { pid: number; signal: NodeJS.Signals }[] = [];
  const findMarked: FindMarkedFn = (mark, outsideGroup) => {
    finds.push({ mark, outsideGroup });
    return [...alive];
  };
  const signalPid = (pid: number, signal: NodeJS.Signals) => {
    signals.push({ pid, signal });
    if (fatal.includes(signal)) alive.delete(pid);
  };
  return { findMarked, signalPid, finds, signals, alive };
}

describe("with injected fakes and no escape seams (the seed's setup)", () => {
  test("no CANOPY_MARK reaches the child, no mark is exposed, no SIGCONT reaches killFn", async () => {
    const { fleet, sup } = setup({ baseEnv: () => ({ PATH: "/bin" }) });
    await sup.start({ short: "svc", cmd: ["x"] });
    expect(fleet.requests[0]?.env).toEqual({ PATH: "/bin" });
    expect(sup.markOf("svc")).toBeUndefined();
    await sup.stop("svc");
    expect(fleet.kills).toEqual([{ pid: 5000, signal: "SIGTERM" }]);
  });
});

describe("with an injected findMarked", () => {
  test("each spawn gets its own mark in its env: one token per Supervisor, a counter per spawn", async () => {
    const esc = fakeEscapees([]);
    const { fleet, sup } = setup({ findMarked: esc.findMarked, signalPid: esc.signalPid, baseEnv: () => ({ CANOPY_MARK: "outer:x:1" }) });
    await sup.start({ short: "web", cmd: ["x"] });
    const first = sup.markOf("web") as string;
    await sup.restart("web");
    const second = sup.markOf("web") as string;
    await sup.start({ short: "api", cmd: ["x"], env: { CANOPY_MARK: "set-by-request" } });
    const third = sup.markOf("api") as string;
    expect(fleet.requests.map((r) => r.env?.CANOPY_MARK)).toEqual([first, second, third]);
    const [token] = first.split(":");
    expect(token).toMatch(/^[0-9a-f]{12}$/);
    expect([first, second, third]).toEqual([`${token}:web:1`, `${token}:web:2`, `${token}:api:3`]);

    const other = setup({ findMarked: esc.findMarked, signalPid: esc.signalPid });
    await other.sup.start({ short: "web", cmd: ["x"] });
    expect(other.sup.markOf("web")?.split(":")[0]).not.toBe(token);
    await Promise.all([sup.stopAll(), other.sup.stopAll()]);
  });

  test("stop signals the escaped pids by pid (stop signal, then SIGCONT), outside the group; killFn only sees the group signal", async () => {
    const esc = fakeEscapees([7001, 7002], ["SIGINT", "SIGKILL"]);
    const continued: number[] = [];
    const { fleet, sup, output } = setup({
      findMarked: esc.findMarked,
      signalPid: esc.signalPid,
      continueGroup: (pid) => continued.push(pid),
    });
    await sup.start({ short: "web", cmd: ["x"], stopSignal: "SIGINT" });
    const mark = sup.markOf("web");
    esc.finds.length = 0;

    await sup.stop("web");
    expect(fleet.kills).toEqual([{ pid: 5000, signal: "SIGINT" }]);
    expect(continued).toEqual([5000]);
    expect(esc.finds.every((f) => f.mark === mark && f.outsideGroup === 5000)).toBe(true);
    expect(esc.signals.slice(0, 4)).toEqual([
      { pid: 7001, signal: "SIGINT" },
      { pid: 7001, signal: "SIGCONT" },
      { pid: 7002, signal: "SIGINT" },
      { pid: 7002, signal: "SIGCONT" },
    ]);
    expect(output.some((l) => l.includes("2 process(es) that left the process group (7001, 7002)"))).toBe(true);
  });

  test("stop resolves only once the escaped pids are gone, SIGKILLing them at the deadline", async () => {
    // SIGINT does not end these fakes: only SIGKILL does.
    const esc = fakeEscapees([7001], ["SIGKILL"]);
    const events: string[] = [];
    const { sup, output } = setup({
      findMarked: esc.findMarked,
      signalPid: esc.signalPid,
      killTimeoutMs: 200,
      onEvent: (e) => events.push(e.type),
    });
    await sup.start({ short: "web", cmd: ["x"], stopSignal: "SIGINT" });
    const began = Date.now();
    const state = await sup.stop("web");
    expect(Date.now() - began).toBeGreaterThanOrEqual(150);
    expect(state?.status).toBe("stopped");
    expect(esc.alive.size).toBe(0);
    expect(esc.signals.map((s) => s.signal)).toEqual(["SIGINT", "SIGCONT", "SIGKILL"]);
    expect(output.some((l) => l.includes("escaped process(es) 7001 still running; escalating to SIGKILL"))).toBe(true);
    // "stopped" is told only after the escapee is gone.
    expect(events.filter((t) => t === "stopped")).toHaveLength(1);
  });

  test("a leader that exits on its own: its escaped pids get the stop signal before the status settles", async () => {
    const esc = fakeEscapees([7001]);
    const { fleet, sup } = setup({ findMarked: esc.findMarked, signalPid: esc.signalPid });
    await sup.start({ short: "web", cmd: ["x"], restart: "never" });
    fleet.exit(fleet.last(), 1);
    await waitFor(() => sup.get("web")?.status === "crashed", "the exit to be handled");
    expect(esc.signals).toEqual([
      { pid: 7001, signal: "SIGTERM" },
      { pid: 7001, signal: "SIGCONT" },
    ]);
    expect(esc.alive.size).toBe(0);
  });

  test("exits that arrive one event each in a turn of the loop run their first sweep passes in one synchronous run (one /proc scan)", async () => {
    // Counts synchronous runs: the first lookup of a run schedules the count to move on, as markSnapshot drops its scan.
    let run = 0;
    let moving = false;
    const runs: number[] = [];
    const findMarked: FindMarkedFn = () => {
      if (!moving) {
        moving = true;
        queueMicrotask(() => {
          run++;
          moving = false;
        });
      }
      runs.push(run);
      return [];
    };
    const { fleet, sup } = setup({ findMarked, signalPid: () => {} });
    for (const name of ["a", "b", "c"]) await sup.start({ short: name, cmd: ["x"], restart: "never" });
    const [a, b, c] = fleet.procs;
    // Three exits, each in its own timer callback of the same turn, as pidfd events come one by one.
    for (const proc of [a, b, c]) setTimeout(() => fleet.exit(proc as (typeof fleet.procs)[number], 0), 0);
    await waitFor(() => ["a", "b", "c"].every((n) => sup.get(n)?.status === "completed"), "the three exits to be handled");
    // One pass from handleExit and one from finishSweep's first round per exit: all six in one run.
    expect(runs).toHaveLength(6);
    expect(new Set(runs).size).toBe(1);
  });

  test("a stop signal that itself stops (SIGTSTP) is not undone by SIGCONT", async () => {
    const esc = fakeEscapees([7001], ["SIGTSTP"]);
    const continued: number[] = [];
    const { sup } = setup({ findMarked: esc.findMarked, signalPid: esc.signalPid, continueGroup: (pid) => continued.push(pid) });
    await sup.start({ short: "web", cmd: ["x"], stopSignal: "SIGTSTP" });
    await sup.stop("web");
    expect(continued).toEqual([]);
    expect(esc.signals).toEqual([{ pid: 7001, signal: "SIGTSTP" }]);
  });
});

describe("MarkedSweep: who gets the stop signal", () => {
  test("the first pass signals all it finds; later, a child of a pid already found is left to it, and waited for", async () => {
    const parents = new Map([
      [21, 20], // already there at the first pass: signalled like its parent
      [30, 20], // forked by 20 after it was signalled (a trap's cleanup)
      [31, 30], // and its own child
      [40, 1], // a newcomer of its own (reparented to init): signalled
    ]);
    let found = [20, 21];
    const gone = new Set<number>();
    const signals: string[] = [];
    const sweep = new MarkedSweep({
      find: () => found.filter((pid) => !gone.has(pid)),
      signalPid: (pid, signal) => void signals.push(`${pid} ${signal}`),
      stopSignal: "SIGTERM",
      timeoutMs: 60_000,
      pollMs: 1,
      isGone: (pid) => gone.has(pid),
      parentOf: (pid) => parents.get(pid),
    });
    sweep.pass();
    expect(signals.splice(0)).toEqual(["20 SIGTERM", "20 SIGCONT", "21 SIGTERM", "21 SIGCONT"]);
    found = [20, 30, 31, 40];
    sweep.pass();
    expect(signals.splice(0)).toEqual(["40 SIGTERM", "40 SIGCONT"]);
    // finish waits for the ones left to their parent as well.
    for (const pid of [20, 21, 40]) gone.add(pid);
    let finished = false;
    const finishing = sweep.finish().then((left) => {
      finished = true;
      return left;
    });
    await Bun.sleep(20);
    expect(finished).toBe(false);
    gone.add(30);
    gone.add(31);
    expect(await finishing).toEqual([]);
    expect(signals).toEqual([]);
  });
});
