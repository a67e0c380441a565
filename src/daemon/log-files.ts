/**
 * Per-service log files, byte-exact lines, rotated by size: `<service>.log`, `.log.1`, `.log.2`, …,
 * each with its lines' stamps beside it in `<service>.idx`, `.idx.1`, … (src/logs/stamp-index.ts).
 */

import { close, closeSync, fchmodSync, fstatSync, openSync, renameSync, rmSync, writeSync, writevSync } from "node:fs";
import { CanopyError } from "../errors.ts";
import { generationsOnDisk, indexPath, logPath } from "../logs/file-names.ts";
import { queryLogFiles } from "../logs/query.ts";
import { formatIndexEntry, type OutputStream } from "../logs/stamp-index.ts";
import { ensurePrivateDir } from "./paths.ts";

export { generationsOnDisk, indexPath, logPath };

/** Limits of one service's logs: at most `maxFiles` files (current included) of about `maxSizeBytes` each. */
export interface LogFilesOptions {
  dir: string;
  maxSizeBytes: number;
  maxFiles: number;
  /** Batch writes into one per tick (the daemon); otherwise each line is written at once. */
  batch?: boolean;
  /** Keep each write's time and stream in the stamp index (`<service>.idx`) when `write` is given them. */
  timestamps?: boolean;
}

/**
 * A batch is written early once it holds this much: a child whose output is already
 * buffered is read without the event loop turning, so "once per tick" alone let a batch
 * grow to hundreds of thousands of lines.
 */
const BATCH_BYTES = 256 * 1024;
/** First size of a batch buffer; it doubles up to BATCH_BYTES as needed. */
const FIRST_BATCH_BYTES = 4 * 1024;
/** A run this long is written at once, not copied into the batch (a flood comes in chunks of 64 KiB and more). */
const DIRECT_BYTES = 16 * 1024;
/** Index entries are written with the tick's batch, or sooner once this many characters wait. */
const INDEX_PENDING_CHARS = 16 * 1024;

/** When and on which stream a run arrived. */
export interface RunStamp {
  /** epoch ms */
  at: number;
  stream: OutputStream;
}

interface OpenLog {
  service: string;
  fd: number;
  /** Bytes in the file, counting what is still pending. */
  size: number;
  /** Lines accepted but not yet written (copied in): flushed once per tick or when full. */
  pending?: Buffer;
  pendingBytes: number;
  /** The stamp index beside the file: opened at its first entry. */
  indexFd?: number;
  /** Entries not yet written: always after the data they describe. */
  indexPending: string;
  /** The stamp of the last entry: a run with the same one needs none. */
  lastAt: number;
  lastStream?: OutputStream;
}

/** Appends service output lines to rotating files; one open fd per service, no stat per line. */
export class LogFiles {
  private readonly open = new Map<string, OpenLog>();
  private readonly opts: LogFilesOptions;
  private dirReady = false;

  constructor(opts: LogFilesOptions) {
    if (!(opts.maxSizeBytes > 0) || !Number.isInteger(opts.maxFiles) || opts.maxFiles < 1) {
      throw new CanopyError("internal", `bad log limits: maxSizeBytes ${opts.maxSizeBytes}, maxFiles ${opts.maxFiles}`);
    }
    this.opts = opts;
  }

  /**
   * Appends `run` (whole lines, each ending in "\n") to the service's log. Before a line
   * that would take the file past `maxSizeBytes` the file is rotated, so a run may be split
   * across files at a line boundary. Bytes are written as given (invalid UTF-8, NULs and
   * escapes intact). Small runs are batched into one write per tick; a chunk-sized run
   * (what a flood brings) is written at once, without a copy.
   */
  write(service: string, run: Uint8Array, stamp?: RunStamp): void {
    let log = this.logFor(service);
    let rest = run;
    const stamped = this.opts.timestamps === true ? stamp : undefined;
    while (log.size + rest.length > this.opts.maxSizeBytes) {
      // The whole lines that still fit end this file; an empty file takes at least one line.
      let fit = rest.subarray(0, Math.max(0, this.opts.maxSizeBytes - log.size)).lastIndexOf(0x0a) + 1;
      if (fit === 0 && log.size === 0) fit = rest.indexOf(0x0a) + 1 || rest.length;
      if (fit > 0) this.append(log, rest.subarray(0, fit), stamped);
      rest = rest.subarray(fit);
      if (rest.length === 0) return;
      this.closeOne(service);
      rotate(this.opts.dir, service, this.opts.maxFiles);
      log = this.logFor(service);
    }
    if (rest.length > 0) this.append(log, rest, stamped);
  }

  private iso = { at: Number.NaN, text: "" };

  /** An index entry for the bytes about to be appended at `log.size`, unless the last entry already stamps them alike. */
  private noteStamp(log: OpenLog, stamp: RunStamp): void {
    if (stamp.at === log.lastAt && stamp.stream === log.lastStream) return;
    if (this.iso.at !== stamp.at) this.iso = { at: stamp.at, text: new Date(stamp.at).toISOString() };
    log.indexPending += formatIndexEntry(log.size, this.iso.text, stamp.stream);
    log.lastAt = stamp.at;
    log.lastStream = stamp.stream;
  }

  /** Writes the pending index entries; call only once the data they describe is written. */
  private flushIndex(log: OpenLog): void {
    if (log.indexPending === "") return;
    log.indexFd ??= openPrivate(indexPath(this.opts.dir, log.service, 0));
    writeAll(log.indexFd, Buffer.from(log.indexPending, "latin1"));
    log.indexPending = "";
  }

  private append(log: OpenLog, bytes: Uint8Array, stamp: RunStamp | undefined): void {
    if (bytes.length >= DIRECT_BYTES || !this.opts.batch) {
      if (stamp) this.noteStamp(log, stamp);
      log.size += bytes.length;
      // The batch goes first, in the same syscall: in a flood each chunk costs one write, not two.
      // Its buffer is kept for the next chunk's straddling line; the tick's flush lets it go.
      if (log.pending !== undefined && log.pendingBytes > 0) {
        const batch = log.pending.subarray(0, log.pendingBytes);
        log.pendingBytes = 0;
        writeAllOf(log.fd, [batch, bytes]);
      } else writeAll(log.fd, bytes);
      if (!this.opts.batch || log.indexPending.length >= INDEX_PENDING_CHARS) this.flushIndex(log);
      else if (log.indexPending !== "") this.scheduleFlush();
      return;
    }
    if (log.pendingBytes + bytes.length > BATCH_BYTES) this.flushOne(log);
    // Noted after that flush: its index entries must not get ahead of the bytes on disk.
    if (stamp) this.noteStamp(log, stamp);
    log.size += bytes.length;
    // Copied into the batch: the caller may reuse its buffer before the batch is written.
    const pending = this.roomFor(log, bytes.length);
    pending.set(bytes, log.pendingBytes);
    log.pendingBytes += bytes.length;
    this.scheduleFlush();
  }

  /**
   * The batch buffer, with room for `length` more bytes. It starts small and doubles: in
   * a flood a short run (the line that straddled two chunks) is batched just before a
   * chunk-sized run flushes it, once per chunk, so a full-size buffer each time would be
   * mostly waste.
   */
  private roomFor(log: OpenLog, length: number): Buffer {
    const needed = log.pendingBytes + length;
    if (log.pending !== undefined && needed <= log.pending.length) return log.pending;
    let size = Math.max(log.pending?.length ?? 0, FIRST_BATCH_BYTES);
    while (size < needed) size *= 2;
    const grown = Buffer.allocUnsafe(Math.min(size, BATCH_BYTES));
    if (log.pending !== undefined) grown.set(log.pending.subarray(0, log.pendingBytes));
    log.pending = grown;
    return grown;
  }

  /** Writes everything pending now. */
  flush(): void {
    this.flushScheduled = false;
    for (const log of this.open.values()) this.flushOne(log);
  }

  private flushScheduled = false;

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  private flushOne(log: OpenLog): void {
    const batch = log.pending?.subarray(0, log.pendingBytes);
    // The buffer goes with the write: an idle service holds no batch memory.
    log.pending = undefined;
    log.pendingBytes = 0;
    if (batch !== undefined && batch.length > 0) writeAll(log.fd, batch);
    this.flushIndex(log);
  }

  /** The last `n` lines of the service's log, oldest first, across rotated files. */
  tail(service: string, n: number): string[] {
    this.flush();
    return tailLogFiles(this.opts.dir, service, n);
  }

  /** Closes every open file; a later `write` reopens. */
  close(): void {
    this.flush();
    for (const service of [...this.open.keys()]) this.closeOne(service);
  }

  private logFor(service: string): OpenLog {
    const existing = this.open.get(service);
    if (existing !== undefined) return existing;
    if (!this.dirReady) {
      ensurePrivateDir(this.opts.dir);
      this.dirReady = true;
    }
    const fd = openPrivate(logPath(this.opts.dir, service, 0));
    try {
      const log: OpenLog = { service, fd, size: fstatSync(fd).size, pendingBytes: 0, indexPending: "", lastAt: Number.NaN };
      this.open.set(service, log);
      return log;
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  private closeOne(service: string): void {
    const log = this.open.get(service);
    if (log === undefined) return;
    this.flushOne(log);
    this.open.delete(service);
    closeSync(log.fd);
    if (log.indexFd !== undefined) closeSync(log.indexFd);
  }
}

/** Opens `path` to append, owner-only whatever its mode was. */
function openPrivate(path: string): number {
  const fd = openSync(path, "a", 0o600);
  try {
    fchmodSync(fd, 0o600);
    return fd;
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off);
}

/** Writes `parts` in order with one writev, finishing a short write part by part. */
function writeAllOf(fd: number, parts: Uint8Array[]): void {
  let written = writevSync(fd, parts);
  for (const part of parts) {
    if (written >= part.length) written -= part.length;
    else {
      writeAll(fd, part.subarray(written));
      written = 0;
    }
  }
}

/** Shifts `.log` → `.log.1` → … (each index with its file) keeping `maxFiles` files in all; older generations are deleted. */
export function rotate(dir: string, service: string, maxFiles: number): void {
  for (const generation of generationsOnDisk(dir, service)) {
    if (generation >= maxFiles - 1) {
      removeInBackground(logPath(dir, service, generation));
      rmSync(indexPath(dir, service, generation), { force: true });
    }
  }
  for (let g = maxFiles - 2; g >= 0; g--) {
    if (!renameIfPresent(logPath(dir, service, g), logPath(dir, service, g + 1))) continue;
    // A file without an index (written with timestamps off) must not inherit the one it replaces.
    if (!renameIfPresent(indexPath(dir, service, g), indexPath(dir, service, g + 1))) rmSync(indexPath(dir, service, g + 1), { force: true });
  }
  if (maxFiles === 1) {
    removeInBackground(logPath(dir, service, 0));
    rmSync(indexPath(dir, service, 0), { force: true });
  }
}

/** Renames `from` to `to`; false when `from` does not exist. */
function renameIfPresent(from: string, to: string): boolean {
  try {
    renameSync(from, to);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    return false;
  }
}

/**
 * Unlinks `path`, leaving the slow part — freeing a big file's pages — to a worker thread:
 * an fd held across the unlink keeps the file alive until its asynchronous close. A flood
 * rotates every `maxSizeBytes`, and an unlink on the event loop stalls every pipe it reads.
 */
function removeInBackground(path: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
  } catch {
    // Missing or unreadable: the unlink below is all there is to do.
  }
  rmSync(path, { force: true });
  if (fd !== undefined) close(fd, () => {});
}

/** The text of the last `n` lines of `<dir>/<service>.log*`, oldest first; works on files alone, no daemon needed. */
export function tailLogFiles(dir: string, service: string, n: number): string[] {
  return queryLogFiles(dir, { services: [service], filter: {}, tail: Math.max(0, n) }).map((r) => r.line);
}
