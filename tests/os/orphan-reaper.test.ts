// Which zombies a PID 1 may wait for without stealing an exit status Bun waits for.
// The reaper itself runs only as PID 1: tests/reliability/pid1.test.ts runs it for real.
import { describe, expect, test } from "bun:test";
import { chooseOrphans, reapOrphansIfInit, SIGHTINGS, startOrphanReaper } from "../../src/os/orphan-reaper.ts";
import { dlopen, FFIType } from "bun:ffi";
import { readProcStat, type ProcStat } from "../../src/os/proc-info.ts";
import { LineReader, waitFor } from "../helpers/net.ts";

const PR_SET_CHILD_SUBREAPER = 36;

const SELF = { pid: 1, sid: 0 };
const stat = (pid: number, o: Partial<ProcStat> = {}): ProcStat => ({
  pid,
  ppid: 1,
  pgid: pid,
  sid: pid,
  startTime: "100",
  state: "Z",
  utime: 0,
  stime: 0,
  rssPages: 0,
  ...o,
});

function choose(stats: ProcStat[], seen = new Map<number, { startTime: string; count: number }>(), own: number[] = []) {
  return chooseOrphans({ stats, self: SELF, isOwnChild: (pid) => own.includes(pid), seen });
}

describe("chooseOrphans", () => {
  test("reaps at once a zombie child that is in another session and does not lead it (a reparented orphan)", () => {
    expect(choose([stat(50, { sid: 40, pgid: 40 })]).reap).toEqual([50]);
  });

  test("never touches zombies in our own session (children Bun spawned without detached)", () => {
    expect(choose([stat(50, { sid: SELF.sid, pgid: 7 })]).reap).toEqual([]);
  });

  test("never touches a child the caller claims, nor live processes, nor other parents' zombies", () => {
    expect(choose([stat(50, { sid: 40 })], undefined, [50]).reap).toEqual([]);
    expect(choose([stat(51, { sid: 40, state: "S" })]).reap).toEqual([]);
    expect(choose([stat(52, { sid: 40, ppid: 9 })]).reap).toEqual([]);
  });

  test(`a session-leading zombie (a detached child of Bun's, or a daemon's orphaned middle child) waits for ${SIGHTINGS} sightings in a row`, () => {
    let seen = new Map<number, { startTime: string; count: number }>();
    const leader = stat(60);
    for (let i = 1; i < SIGHTINGS; i++) {
      const r = choose([leader], seen);
      expect(r.reap).toEqual([]);
      seen = r.seen;
    }
    expect(choose([leader], seen).reap).toEqual([60]);
  });

  test("a reused pid (other start time) starts counting afresh, and a vanished zombie is forgotten", () => {
    let seen = new Map<number, { startTime: string; count: number }>();
    for (let i = 1; i < SIGHTINGS; i++) seen = choose([stat(60)], seen).seen;
    expect(choose([stat(60, { startTime: "999" })], seen).reap).toEqual([]);
    expect(choose([], seen).seen.size).toBe(0);
  });
});

describe("outside PID 1", () => {
  test("reapOrphansIfInit does nothing when this process is not PID 1", () => {
    expect(process.pid).not.toBe(1);
    expect(reapOrphansIfInit(() => false)).toBe(false);
  });

  test("as a child subreaper, a pass reaps a real reparented orphan's zombie and leaves Bun's own child alone", async () => {
    // PR_SET_CHILD_SUBREAPER makes orphans of our descendants come to us, as they come to a PID 1.
    const { symbols } = dlopen("libc.so.6", { prctl: { args: [FFIType.i32, FFIType.u64, FFIType.u64, FFIType.u64, FFIType.u64], returns: FFIType.i32 } });
    expect(symbols.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)).toBe(0);
    const reaper = startOrphanReaper({ isOwnChild: () => false, intervalMs: 60_000 });
    const leader = Bun.spawn(["sh", "-c", 'sh -c "sleep 0.01 & echo \\$!; exit 0"; exec sleep 1000'], { stdout: "pipe", detached: true });
    try {
      expect(reaper).toBeDefined();
      const orphan = Number(await new LineReader(leader.stdout).next());
      await waitFor(() => readProcStat(orphan)?.state === "Z" && readProcStat(orphan)?.ppid === process.pid, "the orphan to be our zombie");
      expect(reaper?.reapNow()).toEqual([orphan]);
      expect(readProcStat(orphan)).toBeUndefined();
      // The leader is Bun's own child, running, in a session of its own: untouched.
      expect(readProcStat(leader.pid)?.state).not.toBe("Z");
    } finally {
      reaper?.stop();
      symbols.prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
      leader.kill("SIGKILL");
      await leader.exited;
    }
  }, 30_000);
});
