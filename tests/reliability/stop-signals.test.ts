// Stopping processes that will not simply go: stopped ones (SIGSTOP) and SIGTERM-ignorers,
// as the leader, inside the group, escaped from it, and left behind by a killed daemon.
// A stopped process acts on a caught SIGTERM only once it runs again: SIGCONT follows the
// stop signal. (A stopped process with no handler dies of SIGTERM at once anyway, so every
// stopped fixture here catches SIGTERM: that is the case SIGCONT is for.)
import { afterEach, describe, expect, test } from "bun:test";
import type { Subprocess } from "bun";
import { reapRecordedGroups } from "../../src/daemon/reap.ts";
import type { DaemonStateFile } from "../../src/daemon/state-file.ts";
import { findPidsWithEnvEntry } from "../../src/os/environ.ts";
import { listGroupMembers, readProcStat } from "../../src/os/proc-info.ts";
import { Supervisor, type SupervisorOptions } from "../../src/supervisor.ts";
import { LineReader } from "../helpers/net.ts";
import { pidRunning } from "../helpers/proc.ts";
import { waitFor } from "../supervisor/helpers.ts";

const BUN = process.execPath;
/** Catches SIGTERM (exits 0 saying so), prints `pid N`, then stops itself. */
const STOPS_ITSELF = 'process.on("SIGTERM", () => { console.log("got TERM"); process.exit(0); }); console.log("pid " + process.pid); process.kill(process.pid, "SIGSTOP"); setInterval(() => {}, 1e9);';
/** Ignores SIGTERM, prints `pid N`, then stops itself. */
const STOPS_AND_IGNORES = 'process.on("SIGTERM", () => {}); console.log("pid " + process.pid); process.kill(process.pid, "SIGSTOP"); setInterval(() => {}, 1e9);';
/** Ignores SIGTERM and runs on. */
const IGNORES = 'process.on("SIGTERM", () => {}); console.log("pid " + process.pid); setInterval(() => {}, 1e9);';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  const results = await Promise.allSettled(cleanups.splice(0).reverse().map(async (c) => c()));
  for (const r of results) if (r.status === "rejected") throw r.reason;
});

function setup(opts: SupervisorOptions = {}) {
  const output: string[] = [];
  const sup = new Supervisor({ killTimeoutMs: 20_000, output: (l) => output.push(l), ...opts });
  cleanups.push(() => sup.stopAll());
  /** The pid a process of `name` announced with a `pid N` line. */
  const announced = async (name: string) => {
    let pid = 0;
    await waitFor(() => {
      const line = (sup.logs(name) ?? []).find((l) => /\] pid \d+\n$/.test(l));
      pid = line ? Number(/pid (\d+)/.exec(line)?.[1]) : 0;
      return pid > 0;
    }, `a pid line from ${name}`);
    return pid;
  };
  const escalated = () => output.some((l) => l.includes("SIGKILL"));
  return { sup, output, announced, escalated };
}

const isStopped = (pid: number) => readProcStat(pid)?.state === "T";

async function timed<T>(f: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const began = Date.now();
  const value = await f();
  return { value, ms: Date.now() - began };
}

describe("a stopped (SIGSTOP'd) process", () => {
  test("as the leader: SIGCONT lets it act on SIGTERM, long before the SIGKILL deadline", async () => {
    const { sup, announced, escalated } = setup();
    await sup.start({ short: "frozen", cmd: [BUN, "-e", STOPS_ITSELF] });
    const pid = await announced("frozen");
    await waitFor(() => isStopped(pid), "the child to be stopped");

    const { value, ms } = await timed(() => sup.stop("frozen"));
    expect(value).toMatchObject({ status: "stopped", lastExitCode: 0, exitSignal: undefined });
    expect(sup.logs("frozen")).toContain("[frozen] got TERM\n");
    expect(escalated()).toBe(false);
    expect(ms).toBeLessThan(10_000); // the deadline is 20 s away
    expect(pidRunning(pid)).toBe(false);
  }, 60_000);

  test("control: without SIGCONT the same child sits out the whole deadline and is SIGKILLed", async () => {
    const killTimeoutMs = 1_500;
    const { sup, announced, escalated } = setup({ killTimeoutMs, continueGroup: () => {} });
    await sup.start({ short: "frozen", cmd: [BUN, "-e", STOPS_ITSELF] });
    const pid = await announced("frozen");
    await waitFor(() => isStopped(pid), "the child to be stopped");
    const { value, ms } = await timed(() => sup.stop("frozen"));
    expect(value).toMatchObject({ status: "stopped", exitSignal: "SIGKILL" });
    expect(escalated()).toBe(true);
    expect(ms).toBeGreaterThanOrEqual(killTimeoutMs - 50);
  }, 60_000);

  test("inside the group, under a shell leader: continued and gone with the group", async () => {
    const { sup, announced, escalated } = setup();
    const state = await sup.start({ short: "wrapped", cmd: ["sh", "-c", `"${BUN}" -e '${STOPS_ITSELF}' & wait`] });
    const pid = await announced("wrapped");
    expect(pid).not.toBe(state.pid);
    await waitFor(() => isStopped(pid), "the grandchild to be stopped");
    const { ms } = await timed(() => sup.stop("wrapped"));
    expect(pidRunning(pid)).toBe(false);
    expect(listGroupMembers(state.pid as number)).toEqual([]);
    expect(escalated()).toBe(false);
    expect(ms).toBeLessThan(10_000);
  }, 60_000);

  test("escaped from the group (setsid): continued by the mark sweep and gone without SIGKILL", async () => {
    const { sup, announced, escalated, output } = setup();
    const state = await sup.start({ short: "esc", cmd: ["sh", "-c", `setsid "${BUN}" -e '${STOPS_ITSELF}' & wait`] });
    const pid = await announced("esc");
    await waitFor(() => isStopped(pid), "the escaped child to be stopped");
    expect(readProcStat(pid)?.sid).toBe(pid);
    const mark = sup.markOf("esc") as string;
    const { ms } = await timed(() => sup.stop("esc"));
    expect(state.pid).not.toBe(pid);
    expect(pidRunning(pid)).toBe(false);
    expect(findPidsWithEnvEntry(`CANOPY_MARK=${mark}`)).toEqual([]);
    expect(output.some((l) => l.includes("left the process group"))).toBe(true);
    expect(escalated()).toBe(false);
    expect(ms).toBeLessThan(10_000);
  }, 60_000);

  test("one that also ignores SIGTERM is SIGKILLed within the stop timeout plus 2 s", async () => {
    const killTimeoutMs = 1_500;
    const { sup, announced, escalated } = setup({ killTimeoutMs });
    await sup.start({ short: "frozen", cmd: [BUN, "-e", STOPS_AND_IGNORES] });
    const pid = await announced("frozen");
    await waitFor(() => isStopped(pid), "the child to be stopped");
    const { value, ms } = await timed(() => sup.stop("frozen"));
    expect(value).toMatchObject({ status: "stopped", exitSignal: "SIGKILL" });
    expect(pidRunning(pid)).toBe(false);
    expect(escalated()).toBe(true);
    expect(ms).toBeLessThan(killTimeoutMs + 2_000);
  }, 60_000);
});

describe("a SIGTERM-ignorer", () => {
  test("is gone within the stop timeout plus 2 s", async () => {
    const killTimeoutMs = 1_500;
    const { sup, announced, escalated } = setup({ killTimeoutMs });
    await sup.start({ short: "stubborn", cmd: [BUN, "-e", IGNORES] });
    const pid = await announced("stubborn");
    const { value, ms } = await timed(() => sup.stop("stubborn"));
    expect(value).toMatchObject({ status: "stopped", exitSignal: "SIGKILL" });
    expect(pidRunning(pid)).toBe(false);
    expect(escalated()).toBe(true);
    expect(ms).toBeGreaterThanOrEqual(killTimeoutMs - 50);
    expect(ms).toBeLessThan(killTimeoutMs + 2_000);
  }, 60_000);
});

describe("a killed daemon's leftovers", () => {
  const groups: number[] = [];
  afterEach(() => {
    for (const g of groups.splice(0)) {
      try {
        process.kill(-g, "SIGKILL");
      } catch {
        // gone
      }
    }
  });

  test("a stopped member of a recorded group is continued by the reaper and ends on SIGTERM", async () => {
    const proc: Subprocess = Bun.spawn(["sh", "-c", `"${BUN}" -e '${STOPS_ITSELF}' & wait`], { detached: true, stdout: "pipe" });
    groups.push(proc.pid);
    const line = await new LineReader(proc.stdout as ReadableStream<Uint8Array>).next();
    const pid = Number(/pid (\d+)/.exec(line)?.[1]);
    await waitFor(() => isStopped(pid), "the member to be stopped");
    const stat = readProcStat(proc.pid);
    const state: DaemonStateFile = {
      version: 1,
      daemonPid: 1,
      startedAt: new Date().toISOString(),
      configFile: "/x/canopy.yaml",
      services: { frozen: { pid: proc.pid, pgid: proc.pid, startTime: stat?.startTime ?? "", cmd: ["sh"] } },
    };
    const logs: string[] = [];
    const { value, ms } = await timed(() => reapRecordedGroups(state, { killTimeoutMs: 20_000, log: (m) => logs.push(m) }));
    expect(value).toEqual(["frozen"]);
    expect(pidRunning(pid)).toBe(false);
    expect(logs.some((l) => l.includes("SIGKILL"))).toBe(false);
    expect(ms).toBeLessThan(10_000);
  }, 60_000);
});
