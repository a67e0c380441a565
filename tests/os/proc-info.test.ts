import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import {
  auxvPageSize,
  findPortHolder,
  listGroupMembers,
  parseListeningInodes,
  pageSize,
  parseProcStat,
  parseStatBytes,
  processCommand,
  readProcStat,
  scanProcStats,
} from "../../src/os/proc-info.ts";
import { BUN, cleanupTempDirs, killGroups, LineReader, tempDir, waitFor } from "../daemon/helpers.ts";

const groups = new Set<number>();
afterEach(() => {
  killGroups(groups);
  groups.clear();
});
afterAll(cleanupTempDirs);

/** A pid that existed and is now gone. */
async function deadPid(): Promise<number> {
  const p = Bun.spawn(["true"]);
  await p.exited;
  return p.pid;
}

/** A TCP port nobody listens on right now. */
function freePort(): number {
  const server = Bun.serve({ port: 0, fetch: () => new Response("") });
  const port = server.port!;
  server.stop(true);
  return port;
}

describe("parseProcStat", () => {
  test("splits after the last ')' so comm may hold spaces and parens", () => {
    const fields = Array.from({ length: 49 }, (_, i) => String(i + 4));
    fields[0] = "4242"; // ppid (field 4)
    fields[1] = "4300"; // pgrp
    fields[2] = "4100"; // session
    fields[18] = "987654321"; // starttime (field 22)
    const text = `4301 (a) (b c) )) S ${fields.join(" ")}\n`;
    expect(parseProcStat(text)).toEqual({
      pid: 4301,
      ppid: 4242,
      pgid: 4300,
      sid: 4100,
      startTime: "987654321",
      state: "S",
      utime: 14,
      stime: 15,
      rssPages: 24,
    });
  });

  test("reads only the first len bytes of a reused buffer: a longer stat left behind it changes nothing", () => {
    const stat = (pid: number, comm: string, rest: number) => `${pid} (${comm}) S ${Array.from({ length: 49 }, (_, i) => String(rest + i)).join(" ")}\n`;
    const buf = Buffer.alloc(4096);
    // A longer line with ')' and spaces after where the short one ends, as a previous read leaves it.
    buf.write(stat(99999, "a much longer name) with parens (", 500000));
    const short = stat(7, "x", 4);
    const len = buf.write(short);
    const into = { pid: 0, ppid: 0, pgid: 0, sid: 0, state: 0, utime: 0, stime: 0, startTime: 0, rssPages: 0 };
    expect(parseStatBytes(buf, len, into)).toBe(true);
    expect(into).toEqual({ pid: 7, ppid: 4, pgid: 5, sid: 6, state: "S".charCodeAt(0), utime: 14, stime: 15, startTime: 22, rssPages: 24 });
    // Cut inside the fields: malformed, whatever follows in the buffer.
    expect(parseStatBytes(buf, short.indexOf(" 20 "), into)).toBe(false);
  });

  test("rejects malformed text", () => {
    expect(parseProcStat("")).toBeUndefined();
    expect(parseProcStat("12 (x) S 1 2 3")).toBeUndefined();
    expect(parseProcStat("no parens at all")).toBeUndefined();
  });
});

describe("readProcStat", () => {
  test("reads this process", () => {
    const me = readProcStat(process.pid);
    expect(me?.pid).toBe(process.pid);
    expect(me?.ppid).toBe(process.ppid);
    expect(me?.startTime).toMatch(/^\d+$/);
    expect(me?.state).toMatch(/^[RSD]$/);
  });

  test("reads a real process whose name holds spaces and parens", async () => {
    const link = join(tempDir(), "x) (y z");
    symlinkSync("/bin/sleep", link);
    const child = Bun.spawn([link, "1000"], { detached: true });
    groups.add(child.pid);
    // Wait for the exec, so the parser really meets the odd name.
    await waitFor(() => readFileSync(`/proc/${child.pid}/comm`, "utf8") === "x) (y z\n", "the renamed sleep to exec");
    const stat = readProcStat(child.pid)!;
    expect(stat.pid).toBe(child.pid);
    expect(stat.ppid).toBe(process.pid);
    expect(stat.pgid).toBe(child.pid);
    expect(stat.startTime).toMatch(/^\d+$/);
    expect(BigInt(stat.startTime)).toBeGreaterThanOrEqual(BigInt(readProcStat(process.pid)!.startTime));
  });

  test("is undefined for gone and impossible pids", async () => {
    expect(readProcStat(await deadPid())).toBeUndefined();
    expect(readProcStat(0)).toBeUndefined();
    expect(readProcStat(-1)).toBeUndefined();
  });
});

describe("pageSize", () => {
  test("is the kernel's, as getconf reports it", () => {
    const getconf = Bun.spawnSync(["getconf", "PAGESIZE"], { stdout: "pipe", stderr: "ignore" });
    expect(pageSize()).toBe(Number(getconf.stdout.toString().trim()));
  });

  test("auxvPageSize finds AT_PAGESZ among the (type, value) pairs, and nothing without it", () => {
    const auxv = (pairs: [number, number][]) => {
      const buf = new Uint8Array(pairs.length * 16);
      const view = new DataView(buf.buffer);
      pairs.forEach(([type, value], i) => {
        view.setBigUint64(i * 16, BigInt(type), true);
        view.setBigUint64(i * 16 + 8, BigInt(value), true);
      });
      return buf;
    };
    expect(auxvPageSize(auxv([[33, 1234], [16, 99], [6, 16384], [0, 0]]))).toBe(16384);
    expect(auxvPageSize(auxv([[33, 1234], [0, 0], [6, 4096]]))).toBeUndefined();
    expect(auxvPageSize(new Uint8Array(0))).toBeUndefined();
    expect(auxvPageSize(undefined)).toBeUndefined();
  });
});

describe("scanProcStats", () => {
  test("visits every process once, with the fields readProcStat gives, a real child's group included", async () => {
    const child = Bun.spawn(["sh", "-c", "sleep 1000 & echo $!; wait"], { detached: true, stdout: "pipe" });
    groups.add(child.pid);
    const grandchild = Number(await new LineReader(child.stdout).next());
    const seen = new Map<number, { pgid: number; ppid: number; state: unknown; startTime: string }>();
    scanProcStats((s) => {
      expect(seen.has(s.pid)).toBe(false);
      // The visitor's object is reused: copy what is kept.
      seen.set(s.pid, { pgid: s.pgid, ppid: s.ppid, state: String.fromCharCode(s.state), startTime: String(s.startTime) });
    });
    for (const pid of [process.pid, child.pid, grandchild]) {
      const stat = readProcStat(pid)!;
      // The state letter may change between two reads (R, S); the rest is fixed for a process's life.
      expect(seen.get(pid)).toEqual({ pgid: stat.pgid, ppid: stat.ppid, state: expect.stringMatching(/^[RSD]$/), startTime: stat.startTime });
    }
    expect(seen.get(grandchild)?.pgid).toBe(child.pid);
  });
});

describe("process groups", () => {
  test("a detached child leads its own group, which holds its grandchild too", async () => {
    const child = Bun.spawn(["sh", "-c", "sleep 1000 & echo $!; wait"], { detached: true, stdout: "pipe" });
    groups.add(child.pid);
    const grandchild = Number(await new LineReader(child.stdout).next());
    const stat = readProcStat(child.pid)!;
    expect(stat.pgid).toBe(child.pid);
    expect(stat.sid).toBe(child.pid);
    expect(readProcStat(grandchild)?.pgid).toBe(child.pid);
    expect(listGroupMembers(child.pid).sort((a, b) => a - b)).toEqual([child.pid, grandchild].sort((a, b) => a - b));
    expect(listGroupMembers(readProcStat(process.pid)!.pgid)).not.toContain(child.pid);
  });

  test("an emptied group has no members", async () => {
    const child = Bun.spawn(["sh", "-c", "sleep 1000 & echo $!; wait"], { detached: true, stdout: "pipe" });
    groups.add(child.pid);
    await new LineReader(child.stdout).next();
    process.kill(-child.pid, "SIGKILL");
    await child.exited;
    await waitFor(() => listGroupMembers(child.pid).length === 0, "the group to empty");
  });
});

describe("processCommand", () => {
  test("joins argv with spaces", async () => {
    const child = Bun.spawn(["sleep", "1000"], { detached: true });
    groups.add(child.pid);
    await waitFor(() => processCommand(child.pid) === "sleep 1000", "sleep's cmdline after exec");
  });

  test("is undefined for a gone pid", async () => {
    expect(processCommand(await deadPid())).toBeUndefined();
  });
});

describe("parseListeningInodes", () => {
  const table = [
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
    "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 111 1 0 100 0 0 10 0",
    "   1: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000  1000        0 222 1 0 20 4 30 10 -1",
    "   2: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 333 1 0 100 0 0 10 0",
    "   3: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 444 1",
  ].join("\n");

  test("keeps only LISTEN sockets on the port", () => {
    expect(parseListeningInodes(table, 8080)).toEqual(["111", "444"]);
    expect(parseListeningInodes(table, 80)).toEqual(["333"]);
    expect(parseListeningInodes(table, 81)).toEqual([]);
  });
});

describe("findPortHolder", () => {
  test("finds the real process listening on a port, and nothing once it is gone", async () => {
    const port = freePort();
    expect(findPortHolder(port)).toBeUndefined();
    const listener = Bun.spawn(
      [BUN, "-e", `Bun.serve({ port: ${port}, fetch: () => new Response("ok") }); console.log("listening");`],
      { detached: true, stdout: "pipe" },
    );
    groups.add(listener.pid);
    expect(await new LineReader(listener.stdout).next(10_000)).toBe("listening");
    const holder = findPortHolder(port);
    expect(holder?.pid).toBe(listener.pid);
    expect(holder?.command).toContain("Bun.serve");
    listener.kill("SIGKILL");
    await listener.exited;
    await waitFor(() => findPortHolder(port) === undefined, "the port to be released");
  });
});
