/**
 * One daemon per config: an O_EXCL-style lock file holding the owner's pid.
 *
 * Race-freedom, step by step:
 * - Publishing: the lock is written complete into a private temp file, then hard-linked to
 *   `lockPath`. link(2) fails with EEXIST when the name exists, like O_CREAT|O_EXCL, but the
 *   lock never exists half-written, so a reader never mistakes a lock being born for a corrupt one.
 * - Liveness: the file holds "<pid> <start-time>". The holder is alive if kill(pid, 0) does not
 *   say ESRCH, it is not a zombie, and (where /proc exists) its start time still matches, so a
 *   dead holder whose pid was reused is still seen as dead.
 * - Stale takeover: two processes may both judge the same lock stale. Neither unlinks by name
 *   (that could delete the fresh lock the other just made). Each renames `lockPath` to a unique
 *   name and then checks what it moved (inode and content, since inode numbers get reused):
 *   rename is atomic, so exactly one of them moves the stale file, and it deletes it. One that moved a different inode (a fresh lock taken in the
 *   meantime) links it straight back. Then both retry from the top.
 *   Residual window: a third process could link its own lock into the instant between that
 *   rename and the link back; this needs a stale lock and three simultaneous starters.
 */

import { closeSync, fstatSync, linkSync, openSync, readSync, renameSync, rmSync, writeSync } from "node:fs";
import { resolve } from "node:path";
import { CanopyError } from "../errors.ts";
import { readProcStat } from "../os/proc-info.ts";

/** A held lock; `release` is idempotent. */
export interface HeldLock {
  release(): void;
}

/** Result of `acquireLock`: the lock, or the pid of the live process holding it. */
export type LockResult = HeldLock | { heldBy: number };

const MAX_ATTEMPTS = 20;
/** Locks this process holds (by resolved path), so our own pid in a lock file left by a dead previous incarnation reads as stale. */
const heldHere = new Set<string>();

/** Takes the lock at `lockPath`, breaking it if its holder is dead; never waits. */
export function acquireLock(lockPath: string): LockResult {
  const key = resolve(lockPath);
  if (heldHere.has(key)) return { heldBy: process.pid };
  const tmp = writeCandidate(lockPath);
  try {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (tryLink(tmp, lockPath)) {
        const mine = readHolder(lockPath);
        heldHere.add(key);
        let released = false;
        return {
          release: () => {
            if (released) return;
            released = true;
            release(lockPath, key, mine);
          },
        };
      }
      const holder = readHolder(lockPath);
      if (holder === undefined) continue; // vanished between link and read: retry
      if (holder.pid !== undefined && holderAlive(holder.pid, holder.startTime, key)) return { heldBy: holder.pid };
      breakStale(lockPath, holder);
    }
  } finally {
    rmSync(tmp, { force: true });
  }
  throw new CanopyError("internal", `could not take the lock ${lockPath}: it kept changing hands`, { path: lockPath });
}

/** The pid recorded in a lock file, alive or not; undefined if there is none. For messages. */
export function readLockPid(lockPath: string): number | undefined {
  return readHolder(lockPath)?.pid;
}

function writeCandidate(lockPath: string): string {
  const tmp = `${lockPath}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  const fd = openSync(tmp, "wx", 0o600);
  try {
    const startTime = readProcStat(process.pid)?.startTime;
    writeSync(fd, startTime === undefined ? `${process.pid}\n` : `${process.pid} ${startTime}\n`);
  } finally {
    closeSync(fd);
  }
  return tmp;
}

function tryLink(tmp: string, lockPath: string): boolean {
  try {
    linkSync(tmp, lockPath);
    return true;
  } catch (e) {
    const code = errCode(e);
    if (code === "EEXIST") return false;
    if (code === "EPERM" || code === "ENOTSUP" || code === "EOPNOTSUPP") {
      throw new CanopyError(
        "internal",
        `cannot create the lock ${lockPath}: its filesystem has no hard links; set CANOPY_STATE_DIR to a local directory`,
        { path: lockPath },
      );
    }
    throw e;
  }
}

/** One lock file as seen at one moment: inode plus raw content (inode numbers alone get reused). */
interface Holder {
  ino: number;
  text: string;
  pid: number | undefined;
  startTime: string | undefined;
}

/** Reads the lock's inode and content from one open file, so both describe the same lock. */
function readHolder(lockPath: string): Holder | undefined {
  let fd: number;
  try {
    fd = openSync(lockPath, "r");
  } catch (e) {
    if (errCode(e) === "ENOENT") return undefined;
    throw e;
  }
  try {
    const ino = fstatSync(fd).ino;
    const buf = Buffer.alloc(128);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const text = buf.toString("utf8", 0, n);
    return { ino, text, ...parseLockContent(text) };
  } finally {
    closeSync(fd);
  }
}

/** Parses "<pid> [start-time]"; a corrupt file yields no pid (and so is stale). */
export function parseLockContent(text: string): { pid: number | undefined; startTime: string | undefined } {
  const m = /^(\d+)(?:[ \t]+(\d+))?\s*$/.exec(text);
  const pid = m?.[1] !== undefined ? Number(m[1]) : undefined;
  return { pid: pid !== undefined && pid > 0 ? pid : undefined, startTime: m?.[2] };
}

function holderAlive(pid: number, startTime: string | undefined, key: string): boolean {
  if (pid === process.pid) return heldHere.has(key);
  try {
    process.kill(pid, 0);
  } catch (e) {
    if (errCode(e) === "ESRCH") return false;
    // EPERM: it exists, just not ours to signal
  }
  const stat = readProcStat(pid);
  if (stat === undefined) return true; // no /proc (macOS) or unreadable: trust kill(0)
  if (stat.state === "Z") return false;
  return startTime === undefined || stat.startTime === startTime;
}

function sameLock(a: Holder | undefined, b: Holder | undefined): boolean {
  return a !== undefined && b !== undefined && a.ino === b.ino && a.text === b.text;
}

function breakStale(lockPath: string, stale: Holder): void {
  const aside = `${lockPath}.stale-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    renameSync(lockPath, aside);
  } catch (e) {
    if (errCode(e) === "ENOENT") return; // someone else broke it first
    throw e;
  }
  try {
    if (sameLock(readHolder(aside), stale)) return; // we moved exactly the stale lock: drop it
    try {
      linkSync(aside, lockPath); // we moved a fresh lock: give it back
    } catch (e) {
      if (errCode(e) !== "EEXIST") throw e;
    }
  } finally {
    rmSync(aside, { force: true });
  }
}

function release(lockPath: string, key: string, mine: Holder | undefined): void {
  heldHere.delete(key);
  if (sameLock(readHolder(lockPath), mine)) rmSync(lockPath, { force: true });
}

function errCode(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}
