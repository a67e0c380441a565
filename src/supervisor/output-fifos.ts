/**
 * Children's stdout and stderr as real pipes: named pipes (FIFOs) the daemon makes in a private
 * directory, opens for reading, and hands to each child as fds 1 and 2.
 *
 * Why pipes: a program that opens `/dev/stdout` or `/dev/stderr` by name (nginx's
 * `access_log /dev/stdout`, `tee /dev/stderr`, images that link their log files there) reopens
 * its fd 1 through /proc. That works on a pipe and fails with ENXIO on a socket, which is what
 * Bun's "pipe" (a socketpair) and the earlier output listener gave. Bun has no pipe(2), and
 * reaching it through bun:ffi costs the daemon its JIT-off memory saving (+1.7–2.2 MiB); a FIFO
 * is a pipe made from a path, which `node:fs` can open.
 *
 * How: FIFOs are made in batches by one `mkfifo` (a batch as large as all made so far, so a
 * fleet of 1,000 needs about seven), mode 0622 so a child run as another user may reopen its
 * own fd 1 (the directory is 0700: no one reaches them by path). For each spawn two are opened,
 * the read end first without blocking (so the write end's open returns at once) and the write
 * end blocking (a child must not see EAGAIN on a full pipe). The child gets the write ends, the
 * daemon closes its copies, and reads until end of stream — which comes when the last process
 * holding the write end has closed it, the child and anything it forked, as with any pipe.
 * Then the FIFO goes back to the pool: a FIFO no one holds open carries nothing over.
 *
 * Anything that fails here (no mkfifo, a directory it cannot write) makes `open` return
 * undefined, and that spawn falls back to Bun's pipes (sockets, so `/dev/stdout` by name fails
 * there as before).
 */
import { closeSync, constants, existsSync, mkdirSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomHex } from "../os/random-hex.ts";
import { Feed, type OutputPorts } from "./output-feed.ts";

/** The first batch of FIFOs; each later one is as large as all made before it. */
const FIRST_BATCH = 16;
/** rw for the daemon, w for the child's own user when it runs as another (reopening /dev/stdout). */
const FIFO_MODE = "622";

export class OutputFifos {
  private dir: string | undefined;
  private failed = false;
  private readonly free: string[] = [];
  private made = 0;
  private readonly prefix = randomHex(4);

  /** `dir`: a private (0700) directory of the daemon's, emptied at first use; without it, a fresh one under the temp dir. */
  constructor(private readonly fifoDir?: string) {}

  /** Two pipes for one spawn, or undefined when they cannot be had. */
  async open(): Promise<OutputPorts | undefined> {
    const out = this.openOne();
    if (!out) return undefined;
    const err = this.openOne();
    if (!err) {
      closeSync(out.writeFd);
      out.feed.end();
      return undefined;
    }
    let released = false;
    return {
      fds: [out.writeFd, err.writeFd],
      stdout: out.feed,
      stderr: err.feed,
      release: () => {
        if (released) return;
        released = true;
        closeSync(out.writeFd);
        closeSync(err.writeFd);
      },
    };
  }

  /** Removes the directory and every FIFO in it; pipes already open carry on. */
  close(): void {
    living.delete(this);
    if (this.dir !== undefined && existsSync(this.dir)) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
    this.free.length = 0;
  }

  /** One pipe: its write end for the child, and the feed its read end fills until end of stream. */
  private openOne(): { writeFd: number; feed: Feed } | undefined {
    for (;;) {
      const path = this.take();
      if (path === undefined) return undefined;
      let readFd: number;
      try {
        readFd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
      } catch {
        continue; // gone from under us (a cleaned directory): drop it, take another
      }
      let writeFd: number;
      try {
        writeFd = openSync(path, constants.O_WRONLY);
      } catch {
        closeSync(readFd);
        continue;
      }
      const feed = new Feed();
      void this.drain(readFd, path, feed);
      return { writeFd, feed };
    }
  }

  /** Reads the pipe to its end into `feed`, then closes it and puts the FIFO back. */
  private async drain(readFd: number, path: string, feed: Feed): Promise<void> {
    const reader = Bun.file(readFd).stream().getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        feed.push(value);
      }
    } catch {
      // a read error ends the stream like its end: keep what came
    } finally {
      feed.end();
      reader.releaseLock();
      closeSync(readFd);
      if (this.dir !== undefined && path.startsWith(this.dir)) this.free.push(path);
    }
  }

  /** A free FIFO's path, making a batch when none is left; undefined once they cannot be made. */
  private take(): string | undefined {
    const path = this.free.pop();
    if (path !== undefined) return path;
    return this.makeBatch() ? this.free.pop() : undefined;
  }

  private makeBatch(): boolean {
    if (this.failed) return false;
    try {
      const dir = this.ensureDir();
      const count = Math.max(FIRST_BATCH, this.made);
      const names = Array.from({ length: count }, (_, i) => join(dir, `${this.prefix}-${this.made + i + 1}`));
      const made = Bun.spawnSync(["mkfifo", "-m", FIFO_MODE, "--", ...names], { stdin: "ignore", stdout: "ignore", stderr: "ignore" });
      if (!made.success) throw new Error("mkfifo failed");
      this.made += count;
      this.free.push(...names.reverse());
      return true;
    } catch {
      this.failed = true; // no FIFOs from now on: Bun's pipes
      this.close();
      return false;
    }
  }

  /** The FIFO directory, made (0700) at first use — emptied of a previous daemon's — or again when it was removed. */
  private ensureDir(): string {
    if (this.dir === undefined) {
      if (this.fifoDir === undefined) this.dir = mkdtempSync(join(tmpdir(), "canopy-output-"));
      else {
        // Checked first: a miss raised inside rmSync pages in error code the daemon never needs (quiet-fs.ts).
        if (existsSync(this.fifoDir)) rmSync(this.fifoDir, { recursive: true, force: true });
        this.dir = this.fifoDir;
      }
      living.add(this);
      hookExit();
    }
    if (!existsSync(this.dir)) mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    return this.dir;
  }
}

/** The pools with a directory now, removed when the process exits. */
const living = new Set<OutputFifos>();

let exitHooked = false;

function hookExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  process.once("exit", () => {
    for (const pool of living) pool.close();
  });
}
