/**
 * Small kernel files read again and again (a cgroup's cpu.stat, a process's statm): each kept
 * open and read again from offset 0, which makes the kernel generate it afresh. A status of
 * 1,000 services reads thousands of them; open and close were most of the cost (cpu.stat of
 * 1,000 cgroups: 15 ms with a fresh open each, 6 ms kept open, in the daemon's interpreter).
 *
 * The descriptors kept are bounded by a share of the process's open-file limit; past it a read
 * opens and closes as before, so a daemon near its limit never loses a spawn to this cache.
 */
import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import { readOrUndefined } from "./proc-info.ts";
import { parseProcLimits } from "./resource-limits.ts";

/** The share of the soft open-file limit this cache may hold. */
const LIMIT_SHARE = 4;
/** Without /proc/self/limits: the common soft default, so the cache stays small. */
const FALLBACK_LIMIT = 1024;

/** One buffer serves every read: these files are a few hundred bytes, cgroup.procs a line per process. */
const BUFFER_BYTES = 64 * 1024;

export class KeptFiles {
  private readonly fds = new Map<string, number>();
  /** The kept paths by the directory they are in: closing a removed cgroup's files must not scan every kept path (1,000 services stopped: 1,000 scans of 3,000). */
  private readonly byDir = new Map<string, Set<string>>();
  private readonly buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  private readonly budget: number;

  constructor(budget: number = defaultBudget()) {
    this.budget = budget;
  }

  /**
   * The whole of `path` as latin1 text (what kernel interface files are); undefined when it
   * cannot be read (gone, a removed cgroup, a process that exited). A kept descriptor that
   * fails is closed and the file opened once more: a pid reused by a new process has a new
   * /proc entry.
   */
  text(path: string): string | undefined {
    const got = this.fill(path);
    // Decoded straight from the shared buffer: a view made first cost as much again, per file.
    return typeof got === "number" ? this.buffer.toString("latin1", 0, got) : got?.toString("latin1");
  }

  /** The file read into the shared buffer (its length), or whole into its own when larger; undefined when it cannot be read. */
  private fill(path: string): number | Buffer | undefined {
    const kept = this.fds.get(path);
    if (kept !== undefined) {
      const got = this.readAt(kept, path);
      if (got !== undefined) return got;
      this.close(path);
    }
    let fd: number;
    try {
      fd = openSync(path, "r");
    } catch {
      return undefined;
    }
    if (this.fds.size < this.budget) {
      this.keep(path, fd);
      const got = this.readAt(fd, path);
      if (got === undefined) this.close(path);
      return got;
    }
    try {
      return this.readAt(fd, path);
    } finally {
      closeSync(fd);
    }
  }

  /** Closes the descriptor kept for `path`, if any. */
  close(path: string): void {
    const fd = this.fds.get(path);
    if (fd === undefined) return;
    this.fds.delete(path);
    const dir = dirOf(path);
    const inDir = this.byDir.get(dir);
    inDir?.delete(path);
    if (inDir?.size === 0) this.byDir.delete(dir);
    try {
      closeSync(fd);
    } catch {
      // already closed: nothing to give back
    }
  }

  /** Closes every descriptor kept for a file directly in `dir` (a cgroup removed). */
  closeIn(dir: string): void {
    for (const path of [...(this.byDir.get(dir) ?? [])]) this.close(path);
  }

  closeAll(): void {
    for (const path of [...this.fds.keys()]) this.close(path);
  }

  /** How many descriptors are kept now. */
  get size(): number {
    return this.fds.size;
  }

  private keep(path: string, fd: number): void {
    this.fds.set(path, fd);
    const dir = dirOf(path);
    const inDir = this.byDir.get(dir);
    if (inDir) inDir.add(path);
    else this.byDir.set(dir, new Set([path]));
  }

  private readAt(fd: number, path: string): number | Buffer | undefined {
    try {
      const n = readSync(fd, this.buffer, 0, BUFFER_BYTES, 0);
      // A file larger than the buffer (cgroup.procs of thousands of processes) is read whole.
      return n < BUFFER_BYTES ? n : readFileSync(path);
    } catch {
      return undefined;
    }
  }
}

/** The directory `path` is directly in. */
function dirOf(path: string): string {
  return path.slice(0, path.lastIndexOf("/"));
}

/** A quarter of the soft open-file limit (of /proc/self/limits). */
function defaultBudget(): number {
  const soft = parseProcLimits(readOrUndefined("/proc/self/limits") ?? "").nofile?.soft;
  const limit = soft === "unlimited" ? Number.MAX_SAFE_INTEGER : (soft ?? FALLBACK_LIMIT);
  return Math.floor(limit / LIMIT_SHARE);
}
