import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { acquireLock, parseLockContent, readLockPid, type LockResult } from "../../src/daemon/lock.ts";
import { readProcStat } from "../../src/os/proc-info.ts";
import { BUN, cleanupTempDirs, killGroups, LineReader, SRC_DAEMON, tempDir } from "./helpers.ts";

const groups = new Set<number>();
const held: LockResult[] = [];
afterEach(() => {
  for (const lock of held.splice(0)) if ("release" in lock) lock.release();
  killGroups(groups);
  groups.clear();
});
afterAll(cleanupTempDirs);

function take(path: string): LockResult {
  const result = acquireLock(path);
  held.push(result);
  return result;
}

async function deadPid(): Promise<number> {
  const p = Bun.spawn(["true"]);
  await p.exited;
  return p.pid;
}

function sleeper(): number {
  const p = Bun.spawn(["sleep", "1000"], { detached: true });
  groups.add(p.pid);
  return p.pid;
}

const lockFile = () => join(tempDir(), "daemon.lock");

describe("acquireLock in one process", () => {
  test("takes a free lock, writes pid and start time, 0600, and release removes it", () => {
    const path = lockFile();
    const lock = take(path);
    expect("release" in lock).toBe(true);
    expect(readFileSync(path, "utf8")).toBe(`${process.pid} ${readProcStat(process.pid)!.startTime}\n`);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(path, ".."))).toEqual(["daemon.lock"]); // no temp file left
    if ("release" in lock) lock.release();
    expect(existsSync(path)).toBe(false);
    expect("release" in take(path)).toBe(true);
  });

  test("a second acquire while held reports ourselves", () => {
    const path = lockFile();
    take(path);
    expect(take(path)).toEqual({ heldBy: process.pid });
  });

  test("a live holder keeps it, with or without a start time in the file", () => {
    const path = lockFile();
    const pid = sleeper();
    writeFileSync(path, `${pid}\n`);
    expect(take(path)).toEqual({ heldBy: pid });
    const startTime = (() => {
      for (;;) {
        const s = readProcStat(pid);
        if (s) return s.startTime;
      }
    })();
    writeFileSync(path, `${pid} ${startTime}\n`);
    expect(take(path)).toEqual({ heldBy: pid });
    expect(readLockPid(path)).toBe(pid);
  });

  test("takes over a stale lock: dead pid, reused pid, corrupt file, our own pid from a past life", async () => {
    const live = sleeper();
    const liveStart = readProcStat(live)!.startTime;
    const stale = [`${await deadPid()}\n`, `${live} ${BigInt(liveStart) + 1n}\n`, "garbage", "", `${process.pid}\n`];
    for (const content of stale) {
      const path = lockFile();
      writeFileSync(path, content);
      const lock = take(path);
      expect("release" in lock).toBe(true);
      expect(readLockPid(path)).toBe(process.pid);
      expect(readdirSync(join(path, ".."))).toEqual(["daemon.lock"]); // stale copy and temp file cleaned up
      if ("release" in lock) lock.release();
    }
  });

  test("a second release of an old handle does not drop a newer lock", () => {
    const path = lockFile();
    const first = take(path);
    if ("release" in first) first.release();
    const second = take(path);
    expect("release" in second).toBe(true);
    if ("release" in first) first.release();
    expect(readLockPid(path)).toBe(process.pid);
    expect(take(path)).toEqual({ heldBy: process.pid });
  });

  test("release leaves alone a lock that is no longer ours", () => {
    const path = lockFile();
    const lock = take(path);
    rmSync(path);
    writeFileSync(path, "999999\n");
    if ("release" in lock) lock.release();
    expect(readFileSync(path, "utf8")).toBe("999999\n");
  });
});

describe("parseLockContent", () => {
  test("reads pid and optional start time; anything else has no pid", () => {
    expect(parseLockContent("123 456\n")).toEqual({ pid: 123, startTime: "456" });
    expect(parseLockContent("123\n")).toEqual({ pid: 123, startTime: undefined });
    expect(parseLockContent("0\n").pid).toBeUndefined();
    expect(parseLockContent("12ab").pid).toBeUndefined();
    expect(parseLockContent("").pid).toBeUndefined();
  });
});

describe("two processes racing", () => {
  const script = `
    import { acquireLock } from ${JSON.stringify(join(SRC_DAEMON, "lock.ts"))};
    const reader = Bun.stdin.stream().getReader();
    console.log("ready");
    await reader.read();
    const lock = acquireLock(process.env.LOCK);
    console.log(JSON.stringify("heldBy" in lock ? { heldBy: lock.heldBy } : { won: process.pid }));
    if ("release" in lock) {
      while (!(await reader.read()).done) {}
      lock.release();
    }
  `;

  async function race(path: string): Promise<void> {
    const racers = [0, 1].map(() => {
      const proc = Bun.spawn([BUN, "-e", script], { env: { ...process.env, LOCK: path }, stdin: "pipe", stdout: "pipe", detached: true });
      groups.add(proc.pid);
      return { proc, out: new LineReader(proc.stdout) };
    });
    for (const r of racers) expect(await r.out.next(10_000)).toBe("ready");
    for (const r of racers) {
      r.proc.stdin.write("go\n");
      void r.proc.stdin.flush();
    }
    const results = await Promise.all(racers.map(async (r) => JSON.parse(await r.out.next(10_000)) as { won?: number; heldBy?: number }));
    const winners = results.filter((x) => x.won !== undefined);
    expect(winners.length).toBe(1);
    const winner = winners[0]!.won!;
    expect(results.find((x) => x.won === undefined)).toEqual({ heldBy: winner });
    expect(readLockPid(path)).toBe(winner);
    for (const r of racers) void r.proc.stdin.end();
    for (const r of racers) expect(await r.proc.exited).toBe(0);
    expect(existsSync(path)).toBe(false); // the winner released it
    expect(readdirSync(join(path, ".."))).toEqual([]);
  }

  test("on a free lock exactly one wins", async () => {
    const path = lockFile();
    for (let round = 0; round < 10; round++) await race(path);
  }, 60_000);

  test("on a stale lock exactly one takes it over", async () => {
    const path = lockFile();
    const dead = await deadPid();
    for (let round = 0; round < 20; round++) {
      writeFileSync(path, `${dead}\n`);
      await race(path);
    }
  }, 60_000);
});
