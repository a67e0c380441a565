/** Test helpers for the daemon tests: temp dirs, condition waits with deadlines, child processes. */

import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The bun binary running these tests. */
export const BUN = process.execPath;
/** Absolute path of src/daemon, for `bun -e` scripts that import the code under test. */
export const SRC_DAEMON = join(import.meta.dir, "..", "..", "src", "daemon");

const made: string[] = [];

/** A fresh private temp directory (real path), removed by `cleanupTempDirs`. */
export function tempDir(prefix = "canopy-daemon-"): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  made.push(dir);
  return dir;
}

/** Removes every directory `tempDir` made. */
export function cleanupTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Polls `cond` every 10 ms until it holds; throws naming `what` after `timeoutMs`. */
export async function waitFor(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** True while `pid` runs (a zombie counts as gone). */
export { pidRunning as pidExists } from "../helpers/proc.ts";

/** Reads a byte stream line by line; `next` rejects if no line arrives before its deadline. */
export class LineReader {
  private readonly lines: string[] = [];
  private buffered = "";
  private ended = false;
  private wake: (() => void) | undefined;

  constructor(stream: ReadableStream<Uint8Array>) {
    void this.pump(stream);
  }

  /** The next complete line (without "\n"). */
  async next(timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = this.lines.shift();
      if (line !== undefined) return line;
      if (this.ended) throw new Error("stream ended before a line arrived");
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no line within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  private async pump(stream: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    for await (const chunk of stream) {
      this.buffered += decoder.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = this.buffered.indexOf("\n")) >= 0) {
        this.lines.push(this.buffered.slice(0, nl));
        this.buffered = this.buffered.slice(nl + 1);
      }
      this.wake?.();
    }
    this.ended = true;
    this.wake?.();
  }
}

/** Kills whole process groups a test started, ignoring ones already gone. */
export function killGroups(pgids: Iterable<number>): void {
  for (const pgid of pgids) {
    try {
      process.kill(-pgid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}
