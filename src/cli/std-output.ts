/** Writes to the process's stdout or stderr without opening Node's stream for it, unless a write needs one. */
import { readerGone } from "../os/reader-gone.ts";

/** How often `closed` asks the fd whether its reader is still there, at most. */
const PROBE_EVERY_MS = 200;

/** What a StdOutput falls back to: process.stdout or process.stderr, or a test's stand-in. */
export interface FallbackStream {
  write(chunk: Uint8Array | string, callback?: () => void): unknown;
}

/**
 * One of the standard fds, written with write(2) directly.
 *
 * Why not `process.stdout.write`: the first touch of `process.stdout` (or `.stderr`, or
 * node:tty) makes Bun evaluate its stream and tty modules, and a daemon would carry that for
 * good: 2.2 MiB of RSS when measured, more than any service costs. Written directly, a
 * daemon logging into its log file (or journald) never loads them, and a CLI printing its
 * answer does not either.
 *
 * A reader that went away (EPIPE: `canopy logs -f | head`) closes the output: what is left and
 * everything after it is dropped, and `closed` says so, so a command following a stream can
 * end, quietly, as `head`'s writer should. `closed` also asks the fd itself (poll, not a
 * write), so a follower with nothing more to print notices too. Any other failed write — a full pipe someone left
 * non-blocking (EAGAIN) — sends what is left, and everything after it, through the stream,
 * which queues as Node does. Order is kept: the direct writes before it were complete.
 */
export class StdOutput {
  private stream: FallbackStream | undefined;
  private readerGone = false;
  private probedAt = -Infinity;

  constructor(
    private readonly fd: number,
    private readonly openStream: () => FallbackStream,
    private readonly write2: (fd: number, bytes: Uint8Array, offset: number) => number = writeDirect,
    private readonly probe: (fd: number) => boolean = readerGone,
  ) {}

  /** True once the reader went away: nothing written since reached anyone. */
  get closed(): boolean {
    if (this.readerGone) return true;
    const now = performance.now();
    if (now - this.probedAt >= PROBE_EVERY_MS) {
      this.probedAt = now;
      this.readerGone = this.probe(this.fd);
    }
    return this.readerGone;
  }

  write(text: string): void {
    if (this.readerGone) return;
    if (this.stream) {
      this.toStream(text);
      return;
    }
    const bytes = Buffer.from(text);
    let offset = 0;
    try {
      while (offset < bytes.length) offset += this.write2(this.fd, bytes, offset);
    } catch (err) {
      if (isBrokenPipe(err)) {
        this.readerGone = true;
        return;
      }
      this.stream = this.openStream();
      this.toStream(bytes.subarray(offset));
    }
  }

  private toStream(chunk: Uint8Array | string): void {
    try {
      this.stream?.write(chunk);
    } catch (err) {
      if (!isBrokenPipe(err)) throw err;
      this.readerGone = true;
    }
  }

  /** Resolves once all that was written has left the process (at once, unless the stream took over). */
  drained(): Promise<void> {
    const stream = this.stream;
    if (!stream || this.readerGone) return Promise.resolve();
    return new Promise((resolve) => {
      try {
        stream.write("", () => resolve());
      } catch {
        resolve(); // nobody left to drain to
      }
    });
  }
}

/** write(2) through node:fs, loaded at the first write: evaluating it costs a start ~1 ms, and `--version` never writes here. */
function writeDirect(fd: number, bytes: Uint8Array, offset: number): number {
  const { writeSync } = require("node:fs") as typeof import("node:fs");
  return writeSync(fd, bytes, offset);
}

function isBrokenPipe(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  // ECONNRESET: the same, when stdout is a socket whose reader left with data unread.
  return code === "EPIPE" || code === "ECONNRESET";
}
