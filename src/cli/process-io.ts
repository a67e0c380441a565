/**
 * The Io of the real process. Its own file, importing only types: main.ts loads it before
 * knowing the command, and context.ts would bring the whole config layer with it (cold start).
 */
import type { Io } from "./context.ts";
import type { StdOutput } from "./std-output.ts";

/** Process-backed Io, writing through `stdout` and `stderr` (see std-output.ts). */
export function processIo(stdout: StdOutput, stderr: StdOutput): Io {
  return {
    stdout: (t) => stdout.write(t),
    stderr: (t) => stderr.write(t),
    stdoutClosed: () => stdout.closed,
    // Asked only by commands that colour or format for a terminal: it opens process.stdout.
    get stdoutTty() {
      return Boolean(process.stdout.isTTY);
    },
    env: process.env,
    cwd: process.cwd(),
  };
}
