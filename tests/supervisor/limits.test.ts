/**
 * nice and limits applied by exec prefixes (prlimit, nice), and restartAsCrash, with real
 * processes. Needs root for the negative niceness (CI runs as root).
 */
import { afterEach, beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { readProcStat } from "../../src/os/proc-info.ts";
import { Supervisor, type SupervisorEvent } from "../../src/supervisor.ts";
import { pidExists, waitFor } from "./helpers.ts";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

beforeAll(() => {
  expect(process.getuid?.()).toBe(0); // a niceness below 0 needs root (CI runs as root)
});

/** Field 19 of /proc/PID/stat (after the parenthesised comm). */
const niceOf = (pid: number) => Number(readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ")[16]);
const limitRow = (pid: number, row: string) => (readFileSync(`/proc/${pid}/limits`, "utf8").split("\n").find((l) => l.startsWith(row)) ?? "").replace(/\s+/g, " ").trim();
const cmdline = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);

test("nice and limits are in effect in the service's own process, which keeps its pid and group; a stop still reaches the group and an escaped child", async () => {
  const sup = new Supervisor({ output: null, killTimeoutMs: 10_000 });
  cleanups.push(() => sup.stopAll());
  const state = await sup.start({
    short: "svc",
    cmd: ["sh", "-c", 'sleep 600 & echo "child $!"; setsid sleep 601 & echo "escaped $!"; wait'],
    nice: -5,
    // Below any hard limit we inherit: raising one takes CAP_SYS_RESOURCE, which a container's root may lack.
    limits: { nofile: { soft: 1_000, hard: 2_000 }, core: { soft: 0, hard: 0 } },
  });
  expect(state.status).toBe("running");
  const pid = state.pid as number;
  const announced = (what: string) => Number(new RegExp(`${what} (\\d+)`).exec((sup.logs("svc") ?? []).join(""))?.[1] ?? 0);
  await waitFor(() => announced("child") > 0 && announced("escaped") > 0, "the children's pids");
  const [child, escaped] = [announced("child"), announced("escaped")];
  // The prefixes exec'd into sh: the pid the supervisor holds is sh's, leading its group.
  expect(cmdline(pid).slice(0, 2)).toEqual(["sh", "-c"]);
  expect(readProcStat(pid)?.pgid).toBe(pid);
  expect(readProcStat(child)?.pgid).toBe(pid);
  for (const p of [pid, child, escaped]) {
    expect({ nice: niceOf(p), nofile: limitRow(p, "Max open files"), core: limitRow(p, "Max core file size") }).toEqual({
      nice: -5,
      nofile: "Max open files 1000 2000 files",
      core: "Max core file size 0 0 bytes",
    });
  }
  expect((await sup.stop("svc"))?.status).toBe("stopped");
  expect(pidExists(pid)).toBe(false);
  await waitFor(() => !pidExists(child) && !pidExists(escaped), "the group's child and the escaped one to be gone");
}, 60_000);

test("restartAsCrash restarts the live child as a crash with its cause as the reason, counted in the budget; a stale pid is ignored", async () => {
  const events: SupervisorEvent[] = [];
  const sup = new Supervisor({ output: null, onEvent: (e) => events.push(e) });
  cleanups.push(() => sup.stopAll());
  const first = (await sup.start({ short: "svc", cmd: ["sleep", "600"], restartDelayMs: 0 })).pid as number;
  expect(sup.restartAsCrash("svc", first + 1_000_000, "memory 9 MB over max_memory 8 MB", "max_memory")).toBe(false);
  expect(sup.restartAsCrash("nope", first, "x", "max_memory")).toBe(false);
  expect(sup.restartAsCrash("svc", first, "memory 9 MB over max_memory 8 MB", "max_memory")).toBe(true);
  expect(sup.restartAsCrash("svc", first, "again", "max_memory")).toBe(false); // already on its way out
  await waitFor(() => sup.get("svc")?.status === "running" && sup.get("svc")?.pid !== first, "the respawn");
  expect(pidExists(first)).toBe(false);
  expect(sup.get("svc")).toMatchObject({ restartsInWindow: 1, reason: "restarted: memory 9 MB over max_memory 8 MB", exitSignal: "SIGTERM" });
  const exited = events.find((e) => e.type === "exited");
  expect(exited).toMatchObject({ type: "exited", pid: first, memoryExceeded: "memory 9 MB over max_memory 8 MB" });
  expect(exited).not.toHaveProperty("livenessFailure");
  expect(events.map((e) => e.type)).toEqual(["started", "ready", "exited", "restarting", "started", "ready"]);
}, 60_000);
