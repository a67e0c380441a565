// Escape-proof stop, against real processes, real sessions and real ports: a service's
// descendant that leaves the process group (setsid, a double-fork daemon, nohup under a
// new session) is still stopped, because it carries the spawn's CANOPY_MARK.
import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findPidsWithEnvEntry } from "../../src/os/environ.ts";
import { readProcStat } from "../../src/os/proc-info.ts";
import { Supervisor, type SupervisorOptions } from "../../src/supervisor.ts";
import { MARK_VAR } from "../../src/supervisor/escape.ts";
import { pidRunning } from "../helpers/proc.ts";
import { freePort, portListening, waitFor } from "../supervisor/helpers.ts";

const BUN = process.execPath;
const LISTENER = join(import.meta.dir, "..", "supervisor", "fixtures", "listener.ts");

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  const results = await Promise.allSettled(cleanups.splice(0).reverse().map(async (c) => c()));
  for (const r of results) if (r.status === "rejected") throw r.reason;
});

/** SIGKILLs whatever still carries `mark` (a failed test must not leave escapees behind). */
function killByMark(mark: string | undefined): void {
  if (mark === undefined) return;
  for (const pid of findPidsWithEnvEntry(`${MARK_VAR}=${mark}`)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone
    }
  }
}

function setup(opts: SupervisorOptions = {}) {
  const output: string[] = [];
  const sup = new Supervisor({ killTimeoutMs: 10_000, restartDelayMs: 50, output: (l) => output.push(l), ...opts });
  const dir = mkdtempSync(join(tmpdir(), "canopy-escape-"));
  const marks: string[] = [];
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(async () => {
    await sup.stopAll();
    for (const m of marks) killByMark(m);
  });
  const pidFile = join(dir, "escaped.pid");
  /** The escaped listener's pid, once it has bound the port (it writes its pid file then). */
  const escapedPid = async (other?: number) => {
    let pid = 0;
    await waitFor(() => {
      pid = existsSync(pidFile) ? Number(readFileSync(pidFile, "utf8")) : 0;
      return pid > 0 && pid !== other;
    }, "the escaped listener's pid file");
    return pid;
  };
  /** Starts `script` (sh) with $BUN, $LISTENER, $PIDFILE and $PORT set; resolves with the state and mark. */
  const start = async (name: string, script: string, port: number, restart?: "never") => {
    const state = await sup.start({
      short: name,
      cmd: ["sh", "-c", script],
      env: { PORT: String(port), BUN, LISTENER, PIDFILE: pidFile },
      ...(restart ? { restart } : {}),
    });
    const mark = sup.markOf(name);
    if (mark !== undefined) marks.push(mark);
    return { state, mark };
  };
  return { sup, output, dir, pidFile, escapedPid, start };
}

const marked = (mark: string) => findPidsWithEnvEntry(`${MARK_VAR}=${mark}`);

/** Asserts `pid` really left the group (and session) the supervisor made for `leader`. */
function expectEscaped(pid: number, leader: number): void {
  const stat = readProcStat(pid);
  expect(stat).toBeDefined();
  expect(stat?.pgid).not.toBe(leader);
  expect(stat?.sid).not.toBe(leader);
}

const ESCAPES: [string, string][] = [
  ["setsid", `setsid "$BUN" "$LISTENER" 0 "$PIDFILE" & wait`],
  // A classic daemon: a session leader forks the server and exits; the server is orphaned.
  ["a double fork", `setsid sh -c '"$BUN" "$LISTENER" 0 "$PIDFILE" & exit 0' & wait; exec sleep 1000`],
  ["nohup … & in a new session", `setsid -f nohup "$BUN" "$LISTENER" 0 "$PIDFILE" >/dev/null 2>&1; exec sleep 1000`],
];

describe("stop reaches a descendant that left the process group", () => {
  for (const [how, script] of ESCAPES) {
    test(`escaped via ${how}: after stop the port is free and no marked process is left`, async () => {
      const port = freePort();
      const { sup, output, escapedPid, start } = setup();
      const { state, mark } = await start("esc", script, port);
      expect(state).toMatchObject({ status: "running", startError: undefined });
      expect(mark).toMatch(/^[0-9a-f]{12}:esc:\d+$/);
      const escaped = await escapedPid();
      expectEscaped(escaped, state.pid as number);
      expect(marked(mark as string)).toContain(escaped);
      expect(await portListening(port)).toBe(true);

      expect(await sup.stop("esc")).toMatchObject({ status: "stopped" });
      // stop() resolves only once the escaped process is gone too.
      expect(pidRunning(escaped)).toBe(false);
      expect(marked(mark as string)).toEqual([]);
      expect(await portListening(port)).toBe(false);
      // It went on the stop signal: no SIGKILL was needed.
      expect(output.some((l) => l.includes("left the process group") && l.includes(String(escaped)))).toBe(true);
      expect(output.some((l) => l.includes("SIGKILL"))).toBe(false);
    }, 60_000);
  }

  test("control: with the mark lookup turned off, the same escape outlives stop (so the tests above can fail)", async () => {
    const port = freePort();
    const { sup, escapedPid, start } = setup({ findMarked: () => [] });
    const { state, mark } = await start("esc", (ESCAPES[0] as [string, string])[1], port);
    const escaped = await escapedPid();
    expectEscaped(escaped, state.pid as number);
    await sup.stop("esc");
    expect(pidRunning(escaped)).toBe(true);
    expect(await portListening(port)).toBe(true);
    expect(marked(mark as string)).toEqual([escaped]);
    killByMark(mark);
    await waitFor(() => !pidRunning(escaped), "the control's escapee to be killed");
  }, 60_000);

  test("restart stops the escaped process before the respawn, which binds the port afresh", async () => {
    const port = freePort();
    const { sup, escapedPid, start } = setup();
    const { mark: firstMark } = await start("esc", (ESCAPES[1] as [string, string])[1], port);
    const first = await escapedPid();

    const restarted = await sup.restart("esc");
    expect(restarted).toMatchObject({ status: "running", startError: undefined });
    expect(pidRunning(first)).toBe(false);
    expect(marked(firstMark as string)).toEqual([]);
    const secondMark = sup.markOf("esc") as string;
    expect(secondMark).not.toBe(firstMark);
    const second = await escapedPid(first);
    expect(marked(secondMark)).toContain(second);
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe(String(second));
  }, 60_000);

  test("a leader that exits on its own: its escaped process is stopped with the group's remnants", async () => {
    const port = freePort();
    const { sup, escapedPid, start, output } = setup();
    const script = `setsid "$BUN" "$LISTENER" 0 "$PIDFILE" & while [ ! -s "$PIDFILE" ]; do sleep 0.02; done; exit 3`;
    const { mark } = await start("esc", script, port, "never");
    const escaped = await escapedPid();
    await waitFor(() => sup.get("esc")?.status === "crashed", "the leader's exit to be handled");
    expect(sup.get("esc")).toMatchObject({ lastExitCode: 3 });
    // The status changes only after the escaped process is gone.
    expect(pidRunning(escaped)).toBe(false);
    expect(marked(mark as string)).toEqual([]);
    expect(await portListening(port)).toBe(false);
    expect(output.some((l) => l.includes("left the process group"))).toBe(true);
  }, 60_000);

  test("an escaped process that ignores SIGTERM is SIGKILLed at the deadline", async () => {
    const port = freePort();
    const killTimeoutMs = 1_000;
    const { sup, escapedPid, start, output } = setup({ killTimeoutMs });
    const script = `setsid sh -c 'trap "" TERM; exec "$BUN" "$LISTENER" 0 "$PIDFILE"' & wait`;
    const { mark } = await start("esc", script, port);
    const escaped = await escapedPid();
    const began = Date.now();
    await sup.stop("esc");
    const took = Date.now() - began;
    expect(pidRunning(escaped)).toBe(false);
    expect(marked(mark as string)).toEqual([]);
    expect(await portListening(port)).toBe(false);
    expect(output.some((l) => l.includes("escalating to SIGKILL") && l.includes(String(escaped)))).toBe(true);
    expect(took).toBeGreaterThanOrEqual(killTimeoutMs - 50);
    expect(took).toBeLessThan(killTimeoutMs + 2_000);
  }, 60_000);

  test("an escaped process's TERM trap may run a cleanup that outlives the sweep's next look: it is not stopped", async () => {
    const { sup, dir, output } = setup();
    const done = join(dir, "cleaned-up");
    // The trap's cleanup is a new marked process, found by the sweep's later passes (every 50 ms)
    // while its 300 ms run; had it been sent SIGTERM too, it would die before the touch.
    const script = `setsid sh -c 'trap "sh -c \\"sleep 0.3 && touch $DONE\\"; exit 0" TERM; echo ready > "$PIDFILE.ready"; while :; do sleep 0.05; done' & wait`;
    const state = await sup.start({ short: "esc", cmd: ["sh", "-c", script], env: { DONE: done, PIDFILE: join(dir, "esc") } });
    const mark = sup.markOf("esc");
    await waitFor(() => existsSync(join(dir, "esc.ready")), "the escaped shell to set its trap");
    expect(state.status).toBe("running");
    await sup.stop("esc");
    // stop() waited for the cleanup, and the cleanup ran to its end.
    expect(existsSync(done)).toBe(true);
    expect(marked(mark as string)).toEqual([]);
    expect(output.some((l) => l.includes("SIGKILL"))).toBe(false);
  }, 60_000);

  test("documented limit: a descendant that clears its environment (env -i) is not found", async () => {
    const port = freePort();
    const { sup, escapedPid, start } = setup();
    const script = `setsid env -i PATH="$PATH" PORT="$PORT" "$BUN" "$LISTENER" 0 "$PIDFILE" & wait`;
    const { mark } = await start("esc", script, port);
    const escaped = await escapedPid();
    expect(marked(mark as string)).not.toContain(escaped);
    await sup.stop("esc");
    expect(pidRunning(escaped)).toBe(true);
    process.kill(escaped, "SIGKILL");
    await waitFor(() => !pidRunning(escaped), "the unmarked escapee to be killed by the test");
  }, 60_000);
});
