/** The daemon's state.json: what it runs, written atomically so a crash never leaves half a file. */

import { closeSync, fchmodSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { readTextIfExists } from "../os/quiet-fs.ts";

/** One recorded service group: enough to find it again, and to prove it is ours, after a daemon crash. */
export interface RecordedService {
  pid: number;
  pgid: number;
  /** Start-time token from /proc/<pid>/stat field 22. */
  startTime: string;
  cmd: string[];
  /**
   * The spawn's CANOPY_MARK value (supervisor/escape.ts): finds the processes that left
   * the group (setsid, double fork) after the daemon died. Absent in files written before
   * marks existed, and where marking is off (no /proc).
   */
  mark?: string;
}

/** The content of state.json. */
export interface DaemonStateFile {
  version: 1;
  daemonPid: number;
  startedAt: string;
  configFile: string;
  services: Record<string, RecordedService>;
}

/** Replaces `path` with `data` atomically: temp file (0600) beside it, fsync, rename, fsync the directory. */
export function writeStateFile(path: string, data: DaemonStateFile): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, "w", 0o600);
  try {
    fchmodSync(fd, 0o600); // a leftover temp file from a crashed run keeps its old mode otherwise
    const bytes = Buffer.from(`${JSON.stringify(data, null, 2)}\n`);
    for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  syncDir(dirname(path));
}

/** Reads state.json; undefined when missing, unreadable, corrupt or of another version. Never throws. */
export function readStateFile(path: string): DaemonStateFile | undefined {
  const text = readTextIfExists(path);
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  return isStateFile(parsed) ? parsed : undefined;
}

/** Shape check of a parsed state file. */
export function isStateFile(v: unknown): v is DaemonStateFile {
  if (!isRecord(v)) return false;
  if (v.version !== 1 || !isPid(v.daemonPid)) return false;
  if (typeof v.startedAt !== "string" || typeof v.configFile !== "string") return false;
  if (!isRecord(v.services)) return false;
  return Object.values(v.services).every(isRecordedService);
}

function isRecordedService(v: unknown): v is RecordedService {
  return (
    isRecord(v) &&
    isPid(v.pid) &&
    isPid(v.pgid) &&
    typeof v.startTime === "string" &&
    /^\d+$/.test(v.startTime) &&
    Array.isArray(v.cmd) &&
    v.cmd.every((a) => typeof a === "string") &&
    (v.mark === undefined || isMark(v.mark))
  );
}

/** A mark is `<token>:<service>:<n>`: printable, no NUL or "=", never empty. */
function isMark(v: unknown): v is string {
  return typeof v === "string" && /^[A-Za-z0-9]+:[^\0=\s]+:\d+$/.test(v) && v.length <= 200;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isPid(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v) && v > 0;
}

/** Makes the rename durable; best effort (not every platform/filesystem allows fsync on a directory). */
function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // ignored: the data itself is already synced
  }
}
