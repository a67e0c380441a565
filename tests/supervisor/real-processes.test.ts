// The Supervisor against real processes, real process groups and real ports: no seams
// injected. Fixtures announce readiness (a "ready" or "pid N" line, a bound port, a file);
// the tests wait on those with deadlines, never on fixed sleeps.
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Supervisor, type SupervisorEvent, type SupervisorOptions } from "../../src/supervisor.ts";
import { MAX_LINE_BYTES } from "../../src/supervisor/line-splitter.ts";
import { freePort, pidExists, portListening, waitFor } from "./helpers.ts";

const BUN = process.execPath;
const LISTENER = join(import.meta.dir, "fixtures", "listener.ts");
/** The listener as a shell word list (paths here hold no single quotes). */
const listenerSh = (...args: string[]) => [BUN, LISTENER, ...args].map((a) => `'${a}'`).join(" ");

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  // Every cleanup runs, even when one fails (a failed test may leave odd state behind).
  const results = await Promise.allSettled(cleanups.splice(0).reverse().map(async (c) => c()));
  for (const r of results) if (r.status === "rejected") throw r.reason;
});

/** A quiet real Supervisor that records its events and output; stopped after the test. */
function realSupervisor(opts: SupervisorOptions = {}) {
  const events: SupervisorEvent[] = [];
  const output: string[] = [];
  const sup = new Supervisor({
    restartDelayMs: 50,
    killTimeoutMs: 10_000,
    output: (l) => output.push(l),
    onEvent: (e) => events.push(e),
    ...opts,
  });
  cleanups.push(() => sup.stopAll());
  const count = (type: SupervisorEvent["type"]) => events.filter((e) => e.type === type).length;
  /** The pids the service's processes announced (`pid N` lines), oldest first. */
  const announcedPids = (name: string) =>
    (sup.logs(name) ?? []).flatMap((l) => {
      const m = /^\[[^\]]+\] pid (\d+)\n$/.exec(l);
      return m ? [Number(m[1])] : [];
    });
  const waitForLog = (name: string, line: string) =>
    waitFor(() => (sup.logs(name) ?? []).includes(`[${name}] ${line}\n`), `"${line}" from ${name}`);
  return { sup, events, output, count, announcedPids, waitForLog };
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "canopy-sup-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe("process groups: a wrapper's grandchild holding the port", () => {
  test("is reaped on stop: the port frees and the grandchild pid no longer exists", async () => {
    const port = freePort();
    const { sup, announcedPids } = realSupervisor();
    const state = await sup.start({
      short: "wrapped",
      cmd: ["sh", "-c", `${listenerSh("0")} & wait`],
      env: { PORT: String(port) },
    });
    expect(state).toMatchObject({ status: "running", startError: undefined });
    await waitFor(() => announcedPids("wrapped").length === 1, "the grandchild's pid");
    const grandchild = announcedPids("wrapped")[0] as number;
    expect(grandchild).not.toBe(state.pid); // it really is the wrapper's child, not the leader
    expect(await portListening(port)).toBe(true);

    expect(await sup.stop("wrapped")).toMatchObject({ status: "stopped", pid: undefined });
    // stop() resolves only once the whole group is gone.
    expect(pidExists(grandchild)).toBe(false);
    expect(await portListening(port)).toBe(false);
  });

  test("is reaped on restart: the port frees and a fresh grandchild binds it", async () => {
    const port = freePort();
    const { sup, announcedPids } = realSupervisor();
    await sup.start({ short: "wrapped", cmd: ["sh", "-c", `${listenerSh("0")} & wait`], env: { PORT: String(port) } });
    await waitFor(() => announcedPids("wrapped").length === 1, "the first grandchild's pid");
    const first = announcedPids("wrapped")[0] as number;

    const restarted = await sup.restart("wrapped");
    expect(restarted).toMatchObject({ status: "running", startError: undefined });
    expect(pidExists(first)).toBe(false);
    await waitFor(() => announcedPids("wrapped").length === 2, "the second grandchild's pid");
    const second = announcedPids("wrapped")[1] as number;
    // The fresh grandchild, not a leftover, answers on the port (an orphan would have kept it: EADDRINUSE).
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe(String(second));
  });

  test("a leader that crashes leaving a grandchild on the port: the grandchild is reaped before the respawn", async () => {
    const port = freePort();
    const dir = tempDir();
    const go = join(dir, "go");
    // First run: background a listener, then crash (exit 1) once the test says so, leaving
    // the listener behind on the port. Second run (the marker exists): be the listener.
    const script = [
      `if [ -e "$MARK" ]; then exec ${listenerSh("0")}; fi`,
      `touch "$MARK"`,
      `${listenerSh("0")} &`,
      `while [ ! -e "$GO" ]; do sleep 0.02; done`,
      "exit 1",
    ].join("\n");
    const { sup, events, count, announcedPids } = realSupervisor();
    const first = await sup.start({
      short: "leaky",
      cmd: ["sh", "-c", script],
      env: { PORT: String(port), MARK: join(dir, "mark"), GO: go },
    });
    expect(first).toMatchObject({ status: "running", startError: undefined });
    await waitFor(() => announcedPids("leaky").length === 1, "the backgrounded listener's pid");
    const orphan = announcedPids("leaky")[0] as number;
    expect(orphan).not.toBe(first.pid);
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe(String(orphan));

    writeFileSync(go, ""); // the leader exits 1, its listener still holding the port
    await waitFor(() => count("started") === 2 && sup.get("leaky")?.status === "running", "the respawn to run");
    expect(events.find((e) => e.type === "exited")).toMatchObject({ pid: first.pid, exitCode: 1 });
    expect(pidExists(orphan)).toBe(false);

    const second = announcedPids("leaky")[1];
    expect(sup.get("leaky")).toMatchObject({ status: "running", pid: second, restartsInWindow: 1, startError: undefined });
    // Exactly one listener: the respawned one answers.
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe(String(second));
  });
});

describe("signals", () => {
  test("a child that ignores SIGTERM is SIGKILLed at the deadline", async () => {
    const { sup, output, waitForLog } = realSupervisor({ killTimeoutMs: 500 });
    await sup.start({
      short: "stubborn",
      cmd: [BUN, "-e", 'process.on("SIGTERM", () => {}); console.log("ready"); setInterval(() => {}, 1e9)'],
    });
    await waitForLog("stubborn", "ready"); // the handler is installed

    const stopped = await sup.stop("stubborn");
    expect(stopped).toMatchObject({ status: "stopped", exitSignal: "SIGKILL", pid: undefined });
    expect(output.filter((l) => l.includes("escalating to SIGKILL"))).toEqual([
      "[stubborn] did not exit within 500ms of SIGTERM; escalating to SIGKILL\n",
    ]);
  });

  test("a child killed by a signal is reported with exitSignal and the crash is counted", async () => {
    const { sup, events, count, waitForLog } = realSupervisor();
    const { pid } = await sup.start({
      short: "victim",
      cmd: [BUN, "-e", 'console.log("ready"); setInterval(() => {}, 1e9)'],
    });
    await waitForLog("victim", "ready");
    process.kill(pid as number, "SIGKILL");

    await waitFor(() => count("started") === 2, "the respawn");
    expect(events.find((e) => e.type === "exited")).toMatchObject({ pid, signal: "SIGKILL" });
    expect(sup.get("victim")).toMatchObject({
      status: expect.stringMatching(/^(starting|running)$/),
      exitSignal: "SIGKILL",
      restartsInWindow: 1,
      lastCrashAt: expect.any(String),
    });
  });
});

describe("a command written as one line", () => {
  test("runs in its shell's place: a reload signal reaches the program, which keeps running under the same pid", async () => {
    const { sup, count, waitForLog } = realSupervisor();
    const program = `process.on("SIGHUP", () => console.log("reloaded")); console.log("ready"); setInterval(() => {}, 1e9)`;
    const { pid } = await sup.start({ short: "oneline", cmd: ["/bin/sh", "-c", `'${BUN}' -e '${program}'`] });
    await waitForLog("oneline", "ready");
    // The shell handed its process over: the pid is Bun's, not a waiting shell's.
    expect(readFileSync(`/proc/${pid}/comm`, "utf8").trim()).not.toBe("sh");
    expect(sup.signal("oneline", "SIGHUP")).toBe(pid);
    await waitForLog("oneline", "reloaded");
    expect(sup.get("oneline")).toMatchObject({ status: "running", pid });
    expect(count("exited")).toBe(0);
  });
});

describe("crash loop", () => {
  test("stops at the budget: maxRestarts 3 → crashed after exactly 3 spawns", async () => {
    const { sup, output, count } = realSupervisor({ maxRestarts: 3, restartDelayMs: 20 });
    await sup.start({ short: "loop", cmd: ["sh", "-c", "exit 3"] });
    await waitFor(() => count("gave_up") === 1, "giving up");

    expect(count("started")).toBe(3);
    expect(sup.get("loop")).toMatchObject({ status: "crashed", lastExitCode: 3, restartsInWindow: 3, pid: undefined });
    expect(output.filter((l) => l.includes("giving up"))).toHaveLength(1);
    expect(output.find((l) => l.includes("giving up"))).toContain("[loop] exited with code 3; 3 crashes within");
  });
});

describe("output", () => {
  test("a 10 MB newline-less write keeps the ring within its cap and every byte arrives in ≤ 64 KiB pieces", async () => {
    const cap = 256 * 1024;
    const total = 10 * 1024 * 1024;
    const prefix = "[flood] ";
    const pieces: number[] = [];
    let other = 0;
    const { sup } = realSupervisor({
      logBufferBytes: cap,
      output: (l) => {
        if (/^\[flood\] x+\n$/.test(l)) pieces.push(l.length - prefix.length - 1);
        else if (!l.includes("not restarting")) other++;
      },
    });
    await sup.start({
      short: "flood",
      cmd: ["sh", "-c", `head -c ${total} /dev/zero | tr '\\0' x`],
      restart: "never",
    });
    await waitFor(
      () => pieces.reduce((n, p) => n + p, 0) >= total && sup.get("flood")?.status === "completed",
      "all 10 MB and the exit",
      30_000,
    );

    // 10 MiB is exactly 160 pieces of 64 KiB: nothing lost, nothing merged, no stray output.
    expect(pieces).toEqual(Array.from({ length: total / MAX_LINE_BYTES }, () => MAX_LINE_BYTES));
    expect(other).toBe(0);
    const logs = sup.logs("flood") ?? [];
    const bytes = logs.reduce((n, l) => n + Buffer.byteLength(l), 0);
    expect(bytes).toBeLessThanOrEqual(cap + MAX_LINE_BYTES + prefix.length + 1);
    expect(logs.length).toBeGreaterThan(0);
  }, 60_000);

  test("after a flood of numbered lines the ring holds exactly the newest ones (chunks it keeps are never reused)", async () => {
    const cap = 64 * 1024;
    const count = 200_000;
    const { sup } = realSupervisor({ logBufferBytes: cap, output: null });
    await sup.start({
      short: "seq",
      // ~1.4 MB in one write, so it arrives in chunks of 64 KiB and more: the ring keeps views of them, not copies.
      cmd: [BUN, "-e", `let s = ""; for (let i = 1; i <= ${count}; i++) s += String(i).padStart(6, "0") + "\\n"; process.stdout.write(s);`],
      restart: "never",
    });
    await waitFor(() => sup.get("seq")?.status === "completed", "the writer to finish", 30_000);
    const logs = sup.logs("seq") ?? [];
    const last = count;
    const first = last - logs.length + 1;
    // Contiguous and ending at the last number: had Bun reused a chunk's buffer, kept lines would show later bytes.
    expect(logs).toEqual(Array.from({ length: logs.length }, (_, i) => `[seq] ${String(first + i).padStart(6, "0")}\n`));
    expect(logs.length).toBe(Math.floor(cap / "[seq] 000000\n".length));
  }, 60_000);
});

describe("an exec readiness probe", () => {
  test("runs with the service's environment (its env and the mark), and passes on it", async () => {
    const { sup } = realSupervisor({ startReadyMs: 10_000 });
    const state = await sup.start({
      short: "envprobe",
      cmd: ["sleep", "1000"],
      env: { PROBE_TOKEN: "from-the-service" },
      ready: {
        check: { kind: "exec", cmd: ["/bin/sh", "-c", 'test "$PROBE_TOKEN" = from-the-service && test -n "$CANOPY_MARK"'] },
        intervalMs: 50,
        timeoutMs: 2_000,
        initialDelayMs: 0,
        failureThreshold: 1,
      },
    });
    expect(state).toMatchObject({ status: "running", ready: true, startError: undefined });
  });
});

describe("readiness gate with a real port", () => {
  test("a child that binds after ~1 s: start waits and resolves running without a start error", async () => {
    const port = freePort();
    const { sup, count } = realSupervisor({ startReadyMs: 10_000 });
    const state = await sup.start({ short: "slow", cmd: [BUN, LISTENER, "1000"], env: { PORT: String(port) } });
    expect(state).toMatchObject({ status: "running", port, startError: undefined });
    // start() did wait for the bind: the port answers now, and "ready" was announced.
    expect(await portListening(port)).toBe(true);
    expect(count("ready")).toBe(1);
  });

  test("a child that never binds: started_but_unbound after startReadyMs", async () => {
    const port = freePort();
    const { sup } = realSupervisor({ startReadyMs: 300 });
    const state = await sup.start({ short: "deaf", cmd: [BUN, LISTENER, "never"], env: { PORT: String(port) } });
    expect(state).toMatchObject({
      status: "running",
      startError: {
        error_type: "started_but_unbound",
        error_description: `deaf is running but nothing accepts connections on port ${port} after 300ms; still probing`,
        at: expect.any(String),
      },
    });
  });

  test("envPortGate false (the daemon's requests): a PORT in env is handed over, never waited for", async () => {
    const port = freePort();
    const { sup } = realSupervisor({ startReadyMs: 5_000 });
    const started = Date.now();
    const state = await sup.start({ short: "worker", cmd: [BUN, LISTENER, "never"], env: { PORT: String(port) }, envPortGate: false });
    expect(state).toMatchObject({ status: "running", ready: true, port, startError: undefined });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  test("a child that binds late: the late probe clears started_but_unbound", async () => {
    const port = freePort();
    const { sup, count } = realSupervisor({ startReadyMs: 300, lateProbeIntervalMs: 100 });
    const state = await sup.start({ short: "late", cmd: [BUN, LISTENER, "1500"], env: { PORT: String(port) } });
    expect(state.startError?.error_type).toBe("started_but_unbound");
    expect(count("ready")).toBe(0);

    await waitFor(() => sup.get("late")?.startError === undefined, "the late probe to clear the start error");
    expect(sup.get("late")).toMatchObject({ status: "running", startError: undefined });
    expect(await portListening(port)).toBe(true);
    expect(count("ready")).toBe(1);
  });
});
