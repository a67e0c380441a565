/** Linux /proc readers: process stat, group members, command lines and TCP port holders. */

import { closeSync, openSync, readdirSync, readFileSync, readlinkSync, readSync } from "node:fs";

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

/** The fields of /proc/<pid>/stat the daemon relies on, as numbers: what a scan reuses for every process. */
export interface StatFields {
  pid: number;
  ppid: number;
  pgid: number;
  sid: number;
  /** The state letter's character code. */
  state: number;
  utime: number;
  stime: number;
  startTime: number;
  rssPages: number;
}

/** `StatFields.state` of a zombie. */
export const ZOMBIE = "Z".charCodeAt(0);
const OPEN_PAREN = 0x28;
const CLOSE_PAREN = 0x29;
const SPACE = 0x20;
const NEWLINE = 0x0a;

/**
 * Parses the first `len` bytes of a /proc/<pid>/stat into `into`; false when malformed.
 * Works on bytes and allocates nothing, so a scan of every process leaves no garbage behind.
 */
export function parseStatBytes(buf: Uint8Array, len: number, into: StatFields): boolean {
  // Every search is a native indexOf: a status of 1,000 services parses 1,000 of these in a
  // daemon with no JIT, where a byte loop in JavaScript cost more than reading the files.
  const size = Math.min(len, buf.length);
  // comm (field 2) may itself contain spaces and ')': everything after the LAST ')' is fixed-format.
  const open = buf.indexOf(OPEN_PAREN);
  const close = size > 0 ? buf.lastIndexOf(CLOSE_PAREN, size - 1) : -1;
  if (open < 0 || close <= open) return false;
  let end = open;
  while (end > 0 && buf[end - 1] === SPACE) end--;
  into.pid = digits(buf, 0, end);
  // The fields end at the file's newline.
  const nl = buf.indexOf(NEWLINE, close);
  const last = nl !== -1 && nl < size ? nl : size;
  let field = 2;
  let pos = close + 1;
  while (field < 24) {
    while (pos < last && buf[pos] === SPACE) pos++;
    if (pos >= last) return false;
    const start = pos;
    pos = buf.indexOf(SPACE, pos);
    if (pos === -1 || pos > last) pos = last;
    field++;
    if (field === 3) into.state = buf[start] as number;
    else if (field === 4) into.ppid = digits(buf, start, pos);
    else if (field === 5) into.pgid = digits(buf, start, pos);
    else if (field === 6) into.sid = digits(buf, start, pos);
    else if (field === 14) into.utime = digits(buf, start, pos);
    else if (field === 15) into.stime = digits(buf, start, pos);
    else if (field === 22) into.startTime = digits(buf, start, pos);
    else if (field === 24) into.rssPages = digits(buf, start, pos);
  }
  const { pid, ppid, pgid, sid, utime, stime, startTime, rssPages } = into;
  return pid >= 0 && ppid >= 0 && pgid >= 0 && sid >= 0 && utime >= 0 && stime >= 0 && startTime >= 0 && rssPages >= 0;
}

/** The unsigned decimal in `buf[start, end)`; -1 when empty or not all digits. */
function digits(buf: Uint8Array, start: number, end: number): number {
  if (start >= end) return -1;
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = (buf[i] as number) - 0x30;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

function emptyFields(): StatFields {
  return { pid: 0, ppid: 0, pgid: 0, sid: 0, state: 0, utime: 0, stime: 0, startTime: 0, rssPages: 0 };
}

function toProcStat(f: StatFields): ProcStat {
  const { pid, ppid, pgid, sid, utime, stime, rssPages } = f;
  return { pid, ppid, pgid, sid, startTime: String(f.startTime), state: String.fromCharCode(f.state), utime, stime, rssPages };
}

/** Parses the text of /proc/<pid>/stat; undefined when malformed. */
export function parseProcStat(text: string): ProcStat | undefined {
  const bytes = Buffer.from(text);
  const fields = emptyFields();
  return parseStatBytes(bytes, bytes.length, fields) ? toProcStat(fields) : undefined;
}

/** A stat file is well under 1 KiB; one buffer serves every read. */
let statBuffer: Buffer | undefined;

/** Reads /proc/<pid>/stat of the entry `name` into the shared buffer; its length, or 0 when gone. */
function readStat(name: string | number): number {
  statBuffer ??= Buffer.allocUnsafe(4096);
  let fd: number;
  try {
    fd = openSync(`/proc/${name}/stat`, "r");
  } catch {
    return 0;
  }
  try {
    return readSync(fd, statBuffer, 0, statBuffer.length, 0);
  } catch {
    return 0;
  } finally {
    closeSync(fd);
  }
}

/** Reads /proc/<pid>/stat; undefined when the process is gone or /proc is absent (macOS). */
export function readProcStat(pid: number): ProcStat | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  const len = readStat(pid);
  const fields = emptyFields();
  return len > 0 && statBuffer && parseStatBytes(statBuffer, len, fields) ? toProcStat(fields) : undefined;
}

/**
 * Calls `visit` with the stat of every process we can read, in one pass over /proc, each
 * parsed into the same object (copy what you keep). Nothing without /proc.
 */
export function scanProcStats(visit: (stat: Readonly<StatFields>) => void): void {
  let names: string[];
  try {
    names = readdirSync("/proc");
  } catch {
    return;
  }
  const fields = emptyFields();
  for (const name of names) {
    const c = name.charCodeAt(0);
    if (c < 0x30 || c > 0x39) continue;
    const len = readStat(name);
    if (len > 0 && statBuffer && parseStatBytes(statBuffer, len, fields)) visit(fields);
  }
}

/** Pids of the processes in process group `pgid` that are not finished, ascending; [] without /proc. */
export function listGroupMembers(pgid: number): number[] {
  // One scan with no objects per process: a stop polls this until its group is gone.
  const members: number[] = [];
  scanProcStats((stat) => {
    if (stat.pgid === pgid && !(stat.state === ZOMBIE && noThreadLeft(stat.pid))) members.push(stat.pid);
  });
  return members.sort((a, b) => a - b);
}

/**
 * True when a process has finished: only its zombie is left. A multi-threaded process
 * shows Z for its main thread while the other threads are still exiting — its files
 * (listening sockets included) are closed only when the last thread is gone — so a
 * zombie with threads left in /proc/<pid>/task is not finished yet.
 */
export function isFinished(stat: ProcStat): boolean {
  return stat.state === "Z" && noThreadLeft(stat.pid);
}

/** True when a zombie `pid` has at most its main thread left in /proc/<pid>/task (or is gone). */
function noThreadLeft(pid: number): boolean {
  try {
    return readdirSync(`/proc/${pid}/task`).length <= 1;
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

/** A text file's content; undefined when it cannot be read. */
export function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/** The stat of every process we can read (one pass over /proc), by pid; [] without /proc. */
export function listProcStats(): ProcStat[] {
  const stats: ProcStat[] = [];
  scanProcStats((f) => stats.push(toProcStat(f)));
  return stats.sort((a, b) => a.pid - b.pid);
}

let cachedPageSize: number | undefined;
/** The kernel's page size in bytes (4096 on x64; arm64 kernels may use 16 or 64 KiB). */
export function pageSize(): number {
  cachedPageSize ??= auxvPageSize(readAuxv()) ?? 4096;
  return cachedPageSize;
}

/** AT_PAGESZ: the auxiliary vector entry the kernel puts the page size in. */
const AT_PAGESZ = 6;

/**
 * The page size from the bytes of /proc/self/auxv (pairs of native 64-bit words: type,
 * value); undefined without the entry. Read from there, not asked of `getconf`: a
 * synchronous spawn would start Bun's thread pool in the daemon, two threads it never
 * needs otherwise (+0.13 MiB of RSS, measured).
 */
export function auxvPageSize(auxv: Uint8Array | undefined): number | undefined {
  if (!auxv) return undefined;
  // Each word summed from its bytes, low first (x64 and arm64 are little-endian): plain
  // arithmetic, where BigInts or a DataView would page in engine code for one number.
  const word = (off: number) => {
    let n = 0;
    for (let i = 7; i >= 0; i--) n = n * 256 + (auxv[off + i] as number);
    return n;
  };
  for (let off = 0; off + 16 <= auxv.byteLength; off += 16) {
    const type = word(off);
    if (type === 0) break;
    if (type === AT_PAGESZ) {
      const size = word(off + 8);
      return size > 0 ? size : undefined;
    }
  }
  return undefined;
}

function readAuxv(): Uint8Array | undefined {
  try {
    return readFileSync("/proc/self/auxv");
  } catch {
    return undefined;
  }
}
