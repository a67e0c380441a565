/** Linux /proc readers: process stat, group members, command lines and TCP port holders. */

import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/** The fields of /proc/<pid>/stat the daemon relies on. */
export interface ProcStat {
  pid: number;
  ppid: number;
  pgid: number;
  sid: number;
  /** Field 22, clock ticks after boot: with `pid`, identifies one process across pid reuse. */
  startTime: string;
  /** One letter: R, S, D, Z, T, … */
  state: string;
  /** CPU time in clock ticks (fields 14 and 15). */
  utime: number;
  stime: number;
  /** Resident set size in pages (field 24). */
  rssPages: number;
}

/** Parses the text of /proc/<pid>/stat; undefined when malformed. */
export function parseProcStat(text: string): ProcStat | undefined {
  // comm (field 2) may itself contain spaces and ')': everything after the LAST ')' is fixed-format.
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open) return undefined;
  const pid = Number(text.slice(0, open).trim());
  const rest = text.slice(close + 1).trim().split(/\s+/);
  // rest[0] is field 3 (state), so field N is rest[N - 3].
  const state = rest[0];
  const ppid = Number(rest[1]);
  const pgid = Number(rest[2]);
  const sid = Number(rest[3]);
  const startTime = rest[19];
  if (state === undefined || startTime === undefined || !/^\d+$/.test(startTime)) return undefined;
  if (![pid, ppid, pgid, sid].every(Number.isInteger)) return undefined;
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  const rssPages = Number(rest[21]);
  return { pid, ppid, pgid, sid, startTime, state, utime, stime, rssPages };
}

/** Reads /proc/<pid>/stat; undefined when the process is gone or /proc is absent (macOS). */
export function readProcStat(pid: number): ProcStat | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  const text = readOrUndefined(`/proc/${pid}/stat`);
  return text === undefined ? undefined : parseProcStat(text);
}

/** Pids of the processes in process group `pgid` that are not finished; [] without /proc. */
export function listGroupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const pid of listPids()) {
    const stat = readProcStat(pid);
    if (stat !== undefined && stat.pgid === pgid && !isFinished(stat)) members.push(pid);
  }
  return members;
}

/**
 * True when a process has finished: only its zombie is left. A multi-threaded process
 * shows Z for its main thread while the other threads are still exiting — its files
 * (listening sockets included) are closed only when the last thread is gone — so a
 * zombie with threads left in /proc/<pid>/task is not finished yet.
 */
export function isFinished(stat: ProcStat): boolean {
  if (stat.state !== "Z") return false;
  try {
    return readdirSync(`/proc/${stat.pid}/task`).length <= 1;
  } catch {
    return true;
  }
}

/** True when `pid` no longer runs: gone, or finished (see isFinished). */
export function pidGone(pid: number): boolean {
  const stat = readProcStat(pid);
  return stat === undefined || isFinished(stat);
}

/** The command line of `pid`, arguments joined by spaces; undefined if gone or empty (zombie, kernel thread). */
export function processCommand(pid: number): string | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  const raw = readOrUndefined(`/proc/${pid}/cmdline`);
  if (raw === undefined) return undefined;
  const command = raw.replace(/\0+$/, "").replace(/\0/g, " ");
  return command === "" ? undefined : command;
}

/** Socket inodes LISTENing on `port` in the text of /proc/net/tcp or /proc/net/tcp6. */
export function parseListeningInodes(text: string, port: number): string[] {
  const inodes: string[] = [];
  for (const line of text.split("\n").slice(1)) {
    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode …
    const fields = line.trim().split(/\s+/);
    const local = fields[1];
    const state = fields[3];
    const inode = fields[9];
    if (local === undefined || state !== "0A" || inode === undefined || inode === "0") continue;
    const hexPort = local.slice(local.lastIndexOf(":") + 1);
    if (parseInt(hexPort, 16) === port) inodes.push(inode);
  }
  return inodes;
}

/** The process LISTENing on TCP `port` (lowest pid when shared); undefined if none is visible or without /proc. */
export function findPortHolder(port: number): { pid: number; command: string } | undefined {
  const inodes = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    const text = readOrUndefined(table);
    if (text !== undefined) for (const inode of parseListeningInodes(text, port)) inodes.add(inode);
  }
  if (inodes.size === 0) return undefined;
  for (const pid of listPids()) {
    if (!holdsSocket(pid, inodes)) continue;
    const command = processCommand(pid) ?? commName(pid) ?? String(pid);
    return { pid, command };
  }
  return undefined;
}

function holdsSocket(pid: number, inodes: Set<string>): boolean {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return false; // gone, or not ours to inspect
  }
  for (const fd of fds) {
    let target: string;
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue;
    }
    if (target.startsWith("socket:[") && inodes.has(target.slice(8, -1))) return true;
  }
  return false;
}

function commName(pid: number): string | undefined {
  return readOrUndefined(`/proc/${pid}/comm`)?.trim() || undefined;
}

/** Numeric /proc entries in ascending order; [] without /proc. */
function listPids(): number[] {
  let names: string[];
  try {
    names = readdirSync("/proc");
  } catch {
    return [];
  }
  return names.filter((n) => /^\d+$/.test(n)).map(Number).sort((a, b) => a - b);
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/** The stat of every process we can read (one pass over /proc); [] without /proc. */
export function listProcStats(): ProcStat[] {
  return listPids().flatMap((pid) => readProcStat(pid) ?? []);
}

let cachedPageSize: number | undefined;
/** The kernel's page size in bytes (4096 on x64; arm64 kernels may use 16 or 64 KiB). */
export function pageSize(): number {
  if (cachedPageSize === undefined) {
    let n = Number.NaN;
    try {
      // getconf may be missing from a minimal PATH; the page size is then most likely 4 KiB.
      const out = Bun.spawnSync(["getconf", "PAGESIZE"], { stdout: "pipe", stderr: "ignore" });
      n = Number(out.stdout.toString().trim());
    } catch {
      // fall through to the default
    }
    cachedPageSize = Number.isInteger(n) && n > 0 ? n : 4096;
  }
  return cachedPageSize;
}
