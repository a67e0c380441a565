/** Per-service log files, byte-exact lines, rotated by size: `<service>.log`, `.log.1`, `.log.2`, … */

import { closeSync, fchmodSync, fstatSync, openSync, readdirSync, readSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { CanopyError } from "../errors.ts";
import { ensurePrivateDir } from "./paths.ts";

/** Limits of one service's logs: at most `maxFiles` files (current included) of about `maxSizeBytes` each. */
export interface LogFilesOptions {
  dir: string;
  maxSizeBytes: number;
  maxFiles: number;
  /** Batch writes into one per tick (the daemon); otherwise each line is written at once. */
  batch?: boolean;
}

const CHUNK = 64 * 1024;
/**
 * A batch is written early once it holds this much: a child whose output is already
 * buffered is read without the event loop turning, so "once per tick" alone let a batch
 * grow to hundreds of thousands of lines.
 */
const BATCH_BYTES = 256 * 1024;
/** A line this long is written at once, not copied into the batch (a newline-less flood comes in 64 KiB pieces). */
const DIRECT_BYTES = 16 * 1024;

interface OpenLog {
  fd: number;
  /** Bytes in the file, counting what is still pending. */
  size: number;
  /** Lines accepted but not yet written (copied in, newline included): flushed once per tick or when full. */
  pending?: Buffer;
  pendingBytes: number;
}

const NEWLINE = new Uint8Array([0x0a]);
const encoder = new TextEncoder();

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
   * Appends `line` + "\n" to the service's log, rotating first if it would pass
   * `maxSizeBytes`. Bytes are written as given (invalid UTF-8, NULs and escapes intact).
   * Writes are batched: a flood of lines costs one writev per tick, not one write each.
   * `at` is not written: the file holds the raw bytes.
   */
  write(service: string, line: string | Uint8Array, _at: number): void {
    const bytes = typeof line === "string" ? encoder.encode(line) : line;
    let log = this.logFor(service);
    const added = bytes.length + 1;
    if (log.size > 0 && log.size + added > this.opts.maxSizeBytes) {
      this.flushOne(log);
      this.closeOne(service);
      rotate(this.opts.dir, service, this.opts.maxFiles);
      log = this.logFor(service);
    }
    log.size += added;
    if (bytes.length >= DIRECT_BYTES) {
      this.flushOne(log);
      writeAll(log.fd, bytes);
      writeAll(log.fd, NEWLINE);
      return;
    }
    if (!this.opts.batch) {
      const out = Buffer.allocUnsafe(added);
      out.set(bytes);
      out[bytes.length] = 0x0a;
      writeAll(log.fd, out);
      return;
    }
    if (log.pendingBytes + added > BATCH_BYTES) this.flushOne(log);
    // Copied into the batch: the caller may reuse its buffer before the batch is written.
    log.pending ??= Buffer.allocUnsafe(BATCH_BYTES);
    log.pending.set(bytes, log.pendingBytes);
    log.pending[log.pendingBytes + bytes.length] = 0x0a;
    log.pendingBytes += added;
    this.scheduleFlush();
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
    if (log.pending === undefined || log.pendingBytes === 0) return;
    const batch = log.pending.subarray(0, log.pendingBytes);
    // The buffer goes with the write: an idle service holds no batch memory.
    log.pending = undefined;
    log.pendingBytes = 0;
    writeAll(log.fd, batch);
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
    const fd = openSync(logPath(this.opts.dir, service, 0), "a", 0o600);
    try {
      fchmodSync(fd, 0o600);
      const log: OpenLog = { fd, size: fstatSync(fd).size, pendingBytes: 0 };
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
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off);
}

/** `<dir>/<service>.log` for generation 0, `<dir>/<service>.log.<k>` for older ones. */
export function logPath(dir: string, service: string, generation: number): string {
  if (service === "" || service === "." || service === ".." || /[/\\\0]/.test(service)) {
    throw new CanopyError("internal", `service name ${JSON.stringify(service)} cannot name a log file`);
  }
  return join(dir, generation === 0 ? `${service}.log` : `${service}.log.${generation}`);
}

/** Shifts `.log` → `.log.1` → … keeping `maxFiles` files in all; older generations are deleted. */
export function rotate(dir: string, service: string, maxFiles: number): void {
  for (const generation of generationsOnDisk(dir, service)) {
    if (generation >= maxFiles - 1) rmSync(logPath(dir, service, generation), { force: true });
  }
  for (let g = maxFiles - 2; g >= 0; g--) {
    try {
      renameSync(logPath(dir, service, g), logPath(dir, service, g + 1));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
  }
  if (maxFiles === 1) rmSync(logPath(dir, service, 0), { force: true });
}

/** The last `n` lines of `<dir>/<service>.log*`, oldest first; works on files alone, no daemon needed. */
export function tailLogFiles(dir: string, service: string, n: number): string[] {
  let lines: string[] = [];
  for (let generation = 0; lines.length < n; generation++) {
    const got = lastLines(logPath(dir, service, generation), n - lines.length);
    if (got === undefined) break; // no such generation: nothing older exists
    lines = got.concat(lines);
  }
  return lines;
}

/** Generation numbers ≥ 1 present on disk for `service`. */
function generationsOnDisk(dir: string, service: string): number[] {
  const prefix = `${service}.log.`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((name) => name.startsWith(prefix) && /^[1-9]\d*$/.test(name.slice(prefix.length)))
    .map((name) => Number(name.slice(prefix.length)));
}

/** The last `n` lines of one file, reading backwards in chunks; undefined when the file is missing. */
function lastLines(path: string, n: number): string[] | undefined {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
  try {
    if (n <= 0) return [];
    let pos = fstatSync(fd).size;
    const chunks: Buffer[] = [];
    let newlines = 0;
    // n complete lines need n + 1 newlines in view (the one before the first line, the ones ending each).
    while (pos > 0 && newlines <= n) {
      const len = Math.min(CHUNK, pos);
      pos -= len;
      const chunk = Buffer.alloc(len);
      let got = 0;
      while (got < len) {
        const r = readSync(fd, chunk, got, len - got, pos + got);
        if (r === 0) break;
        got += r;
      }
      chunks.unshift(chunk.subarray(0, got));
      for (let i = 0; i < got; i++) if (chunk[i] === 0x0a) newlines++;
    }
    const parts = Buffer.concat(chunks).toString("utf8").split("\n");
    if (parts[parts.length - 1] === "") parts.pop(); // the file ends with a newline
    if (pos > 0) parts.shift(); // the first piece is the tail end of a line we did not read
    return parts.slice(-n);
  } finally {
    closeSync(fd);
  }
}
