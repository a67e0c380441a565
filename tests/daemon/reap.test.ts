import { afterEach, describe, expect, test } from "bun:test";
import type { Subprocess } from "bun";
import { listGroupMembers, readProcStat, type ProcStat } from "../../src/os/proc-info.ts";
import { decideReap, reapRecordedGroups } from "../../src/daemon/reap.ts";
import type { DaemonStateFile, RecordedService } from "../../src/daemon/state-file.ts";
import { killGroups, LineReader, pidExists } from "./helpers.ts";

const groups = new Set<number>();
afterEach(() => {
  killGroups(groups);
  groups.clear();
});

function stateWith(services: Record<string, RecordedService>): DaemonStateFile {
  return { version: 1, daemonPid: 1, startedAt: "2026-01-01T00:00:00.000Z", configFile: "/c/canopy.yml", services };
}

/** Spawns a detached shell group; resolves once it has printed its background child's pid. */
async function shellGroup(script: string, stdin: "pipe" | "ignore" = "ignore") {
  const proc = Bun.spawn(["sh", "-c", script], { detached: true, stdout: "pipe", stdin });
  groups.add(proc.pid);
  const grandchild = Number(await new LineReader(proc.stdout as ReadableStream<Uint8Array>).next());
  return { proc, grandchild, record: recordOf(proc) };
}

function recordOf(proc: Subprocess): RecordedService {
  const stat = readProcStat(proc.pid)!;
  return { pid: proc.pid, pgid: stat.pgid, startTime: stat.startTime, cmd: ["sh"] };
}

/** Gone, or a zombie nobody has waited for yet: either way no longer running. */
function running(pid: number): boolean {
  const stat = readProcStat(pid);
  return stat !== undefined && stat.state !== "Z";
}

describe("decideReap", () => {
  const rec: RecordedService = { pid: 100, pgid: 100, startTime: "5000", cmd: ["x"] };
  const stat = (pid: number, startTime: string, state = "S", pgid = 100): ProcStat => ({ pid, ppid: 1, pgid, sid: 100, startTime, state, utime: 0, stime: 0, rssPages: 0 });

  test("reaps a live leader whose start time and group match", () => {
    expect(decideReap(rec, stat(100, "5000"), [stat(100, "5000")]).reap).toBe(true);
  });

  test("leaves a reused pid alone", () => {
    expect(decideReap(rec, stat(100, "9000"), [stat(100, "9000")]).reap).toBe(false);
    expect(decideReap(rec, stat(100, "4000"), [stat(100, "4000"), stat(101, "9000")]).reap).toBe(false);
  });

  test("reaps leftover members of a dead leader's group started after it", () => {
    expect(decideReap(rec, undefined, [stat(101, "5001")]).reap).toBe(true);
    expect(decideReap(rec, stat(100, "5000", "Z"), [stat(101, "5000")]).reap).toBe(true);
  });

  test("leaves members older than the record, zombies, and empty groups alone", () => {
    expect(decideReap(rec, undefined, [stat(101, "4999")]).reap).toBe(false);
    expect(decideReap(rec, undefined, [stat(101, "6000", "Z")]).reap).toBe(false);
    expect(decideReap(rec, undefined, []).reap).toBe(false);
  });

  test("refuses a record without a valid start time", () => {
    expect(decideReap({ ...rec, startTime: "" }, stat(100, "5000"), [stat(100, "5000")]).reap).toBe(false);
  });
});

describe("reapRecordedGroups", () => {
  test("SIGTERMs a recorded group and waits until every member is gone", async () => {
    const { proc, grandchild, record } = await shellGroup("sleep 1000 & echo $!; wait");
    expect(listGroupMembers(record.pgid).length).toBe(2);
    const logs: string[] = [];
    const reaped = await reapRecordedGroups(stateWith({ web: record }), { killTimeoutMs: 5000, log: (m) => logs.push(m) });
    expect(reaped).toEqual(["web"]);
    expect(listGroupMembers(record.pgid)).toEqual([]);
    expect(running(grandchild)).toBe(false);
    expect(await proc.exited).not.toBe(0);
    expect(logs.some((l) => l.includes("web") && l.includes(String(record.pgid)))).toBe(true);
    expect(logs.some((l) => l.includes("SIGKILL"))).toBe(false);
  });

  test("escalates to SIGKILL for a group that ignores SIGTERM", async () => {
    const { grandchild, record } = await shellGroup(`trap "" TERM; sleep 1000 & echo $!; wait`);
    const logs: string[] = [];
    const reaped = await reapRecordedGroups(stateWith({ stubborn: record }), { killTimeoutMs: 200, log: (m) => logs.push(m) });
    expect(reaped).toEqual(["stubborn"]);
    expect(listGroupMembers(record.pgid)).toEqual([]);
    expect(running(grandchild)).toBe(false);
    expect(logs.some((l) => l.includes("SIGKILL"))).toBe(true);
  });

  test("reaps the grandchild a dead leader left in its group", async () => {
    const { proc, grandchild, record } = await shellGroup("sleep 1000 & echo $!; read x", "pipe");
    void (proc.stdin as import("bun").FileSink).end(); // the leader reads EOF and exits
    await proc.exited;
    expect(running(proc.pid)).toBe(false);
    expect(running(grandchild)).toBe(true);
    const reaped = await reapRecordedGroups(stateWith({ api: record }), { killTimeoutMs: 5000, log: () => {} });
    expect(reaped).toEqual(["api"]);
    expect(running(grandchild)).toBe(false);
    expect(listGroupMembers(record.pgid)).toEqual([]);
  });

  test("leaves a process whose start time does not match the record", async () => {
    const proc = Bun.spawn(["sleep", "1000"], { detached: true });
    groups.add(proc.pid);
    const real = readProcStat(proc.pid)!;
    const wrong: RecordedService = { pid: proc.pid, pgid: real.pgid, startTime: String(BigInt(real.startTime) - 1n), cmd: ["sleep"] };
    const reaped = await reapRecordedGroups(stateWith({ other: wrong }), { killTimeoutMs: 200, log: () => {} });
    expect(reaped).toEqual([]);
    expect(running(proc.pid)).toBe(true);
    expect(pidExists(proc.pid)).toBe(true);
    proc.kill("SIGKILL");
    await proc.exited;
  });

  test("reaps only the provable records among several, and skips ones already gone", async () => {
    const a = await shellGroup("sleep 1000 & echo $!; wait");
    const b = Bun.spawn(["sleep", "1000"], { detached: true });
    groups.add(b.pid);
    const gone = Bun.spawn(["true"], { detached: true });
    await gone.exited;
    const bStat = readProcStat(b.pid)!;
    const reaped = await reapRecordedGroups(
      stateWith({
        a: a.record,
        b: { pid: b.pid, pgid: b.pid, startTime: String(BigInt(bStat.startTime) + 1n), cmd: ["sleep"] },
        gone: { pid: gone.pid, pgid: gone.pid, startTime: "1", cmd: ["true"] },
      }),
      { killTimeoutMs: 5000, log: () => {} },
    );
    expect(reaped).toEqual(["a"]);
    expect(running(a.grandchild)).toBe(false);
    expect(running(b.pid)).toBe(true);
  });
});
