// Finding processes by an exact environment entry: the pure matcher, and real processes.
import { afterEach, describe, expect, test } from "bun:test";
import type { Subprocess } from "bun";
import { readFileSync } from "node:fs";
import { environHasEntry, findPidsWithEnvEntry, scanEnvValues } from "../../src/os/environ.ts";
import { readProcStat } from "../../src/os/proc-info.ts";
import { waitFor } from "../helpers/net.ts";

const spawned: Subprocess[] = [];
afterEach(async () => {
  for (const p of spawned.splice(0)) {
    try {
      process.kill(-p.pid, "SIGKILL");
    } catch {
      p.kill("SIGKILL");
    }
    await p.exited;
  }
});

const env = (...entries: string[]) => Buffer.from(`${entries.join("\0")}\0`);

describe("environHasEntry", () => {
  test("matches a whole entry anywhere: first, middle, last, with or without the trailing NUL", () => {
    expect(environHasEntry(env("CANOPY_MARK=a:web:1", "PATH=/bin"), "CANOPY_MARK=a:web:1")).toBe(true);
    expect(environHasEntry(env("HOME=/root", "CANOPY_MARK=a:web:1", "PATH=/bin"), "CANOPY_MARK=a:web:1")).toBe(true);
    expect(environHasEntry(env("HOME=/root", "CANOPY_MARK=a:web:1"), "CANOPY_MARK=a:web:1")).toBe(true);
    expect(environHasEntry(Buffer.from("HOME=/root\0CANOPY_MARK=a:web:1"), "CANOPY_MARK=a:web:1")).toBe(true);
  });

  test("never matches part of another entry", () => {
    const entry = "CANOPY_MARK=a:web:1";
    // spawn 10 of the same service must not be taken for spawn 1
    expect(environHasEntry(env("CANOPY_MARK=a:web:10"), entry)).toBe(false);
    expect(environHasEntry(env("X_CANOPY_MARK=a:web:1"), entry)).toBe(false);
    expect(environHasEntry(env("NOTE=CANOPY_MARK=a:web:1"), entry)).toBe(false);
    expect(environHasEntry(env("CANOPY_MARK=a:web:1x", "OTHER=CANOPY_MARK=a:web:1 "), entry)).toBe(false);
    expect(environHasEntry(Buffer.alloc(0), entry)).toBe(false);
    expect(environHasEntry(env("A=1"), "")).toBe(false);
  });

  test("finds the whole entry after a partial match earlier in the buffer", () => {
    expect(environHasEntry(env("X_CANOPY_MARK=a:web:1", "CANOPY_MARK=a:web:1"), "CANOPY_MARK=a:web:1")).toBe(true);
  });
});

describe("findPidsWithEnvEntry (real processes)", () => {
  const tag = `t${process.pid}x${Date.now()}`;

  function sleeper(extraEnv: Record<string, string>, detached = false): Subprocess {
    const p = Bun.spawn(["sleep", "1000"], { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...extraEnv }, detached });
    spawned.push(p);
    return p;
  }

  test("finds exactly the processes holding the entry, not near misses", () => {
    const hit = sleeper({ CANOPY_MARK: `${tag}:web:1` });
    sleeper({ CANOPY_MARK: `${tag}:web:10` });
    sleeper({ X_CANOPY_MARK: `${tag}:web:1` });
    sleeper({ NOTE: `CANOPY_MARK=${tag}:web:1` });
    expect(findPidsWithEnvEntry(`CANOPY_MARK=${tag}:web:1`)).toEqual([hit.pid]);
  });

  test("follows the entry to grandchildren, and leaves out a process group when asked", async () => {
    const mark = `CANOPY_MARK=${tag}:wrapped:2`;
    // The leader (own group) starts one child in its group and one in a new session.
    const leader = Bun.spawn(["sh", "-c", "sleep 1000 & setsid sleep 1000 & wait"], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", CANOPY_MARK: `${tag}:wrapped:2` },
      detached: true,
    });
    spawned.push(leader);
    // `setsid` is in the leader's group until it has called setsid(): wait for that too.
    const all = await waitFor(() => {
      const pids = findPidsWithEnvEntry(mark);
      const left = findPidsWithEnvEntry(mark, { outsideGroup: leader.pid });
      return pids.length === 3 && left.length === 1 ? pids : undefined;
    }, "the leader and both children to carry the mark, one of them in its own session");
    expect(all).toContain(leader.pid);
    const outside = findPidsWithEnvEntry(mark, { outsideGroup: leader.pid });
    expect(outside.length).toBe(1);
    const escaped = readProcStat(outside[0] as number);
    expect(escaped?.pgid).not.toBe(leader.pid);
    expect(escaped?.sid).toBe(outside[0]);
    // the escaped one lives outside our cleanup by group: kill it by pid
    process.kill(outside[0] as number, "SIGKILL");
    expect(findPidsWithEnvEntry(mark, { exclude: [leader.pid] })).not.toContain(leader.pid);
  });

  test("scanEnvValues maps every value of a variable to the pids holding it, in one pass", () => {
    const name = `CANOPY_SCAN_${tag}`;
    const a1 = sleeper({ [name]: "a", [`X${name}`]: "decoy" });
    const a2 = sleeper({ [name]: "a" });
    const b = sleeper({ [name]: "b:with=equals" });
    sleeper({ [`X${name}`]: "only-a-decoy", NOTE: `${name}=c` });
    const values = scanEnvValues(name);
    expect([...values.keys()].sort()).toEqual(["a", "b:with=equals"]);
    expect(values.get("a")).toEqual([a1.pid, a2.pid].sort((x, y) => x - y));
    expect(values.get("b:with=equals")).toEqual([b.pid]);
  });

  test("never returns this process, nor a zombie", async () => {
    const entry = `CANOPY_ZOMBIE_TEST=${tag}`;
    // `exec sleep` never waits, so the short-lived child stays a zombie under it.
    const parent = Bun.spawn(["sh", "-c", "sleep 0.01 & exec sleep 1000"], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", CANOPY_ZOMBIE_TEST: tag },
      detached: true,
    });
    spawned.push(parent);
    await waitFor(() => {
      const zombie = childrenOf(parent.pid).find((pid) => readProcStat(pid)?.state === "Z");
      return zombie !== undefined;
    }, "a zombie child under the parent");
    expect(findPidsWithEnvEntry(entry)).toEqual([parent.pid]);
    expect(findPidsWithEnvEntry(`PATH=${process.env.PATH}`)).not.toContain(process.pid);
  });
});

function childrenOf(pid: number): number[] {
  try {
    const text = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8");
    return text.trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}
