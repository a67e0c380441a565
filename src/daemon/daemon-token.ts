/**
 * Closes the window between a spawn and its record in state.json.
 *
 * A child is recorded (pid, group, start time) right after it is spawned, with an fsync'd
 * write; a daemon SIGKILLed in between — the reliability suite hits this in about one run
 * in two when it kills the daemon during start-up — leaves a child nobody recorded, which
 * the next daemon cannot reap: it then runs twice, or holds its own port against itself.
 *
 * So every daemon picks a random token, writes it durably to `<stateDir>/daemon.token`
 * before it spawns anything, and gives it to every child as CANOPY_DAEMON=<token> (which
 * every descendant inherits, whatever group or session it moves to). The next daemon
 * reads the previous token and stops every process still carrying it, recorded or not:
 * the stop signal and SIGCONT, SIGKILL after the longest stop timeout. The token is
 * random, so a process holding it is provably one the dead daemon started.
 * Limits are those of the per-spawn marks (supervisor/escape.ts): a process that replaces
 * its environment is not found, and without /proc (macOS) nothing is.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { findPidsWithEnvEntry } from "../os/environ.ts";
import { randomHex } from "../os/random-hex.ts";
import { readTextIfExists } from "../os/quiet-fs.ts";
import { defaultSignalPid, MarkedSweep } from "../supervisor/escape.ts";

/** The variable every child of a daemon carries. */
export const DAEMON_VAR = "CANOPY_DAEMON";

const TOKEN_RE = /^[0-9a-f]{32}$/;

export function newDaemonToken(): string {
  return randomHex(16);
}

/** The token in `path`; undefined when missing or malformed. Never throws. */
export function readDaemonToken(path: string): string | undefined {
  const text = readTextIfExists(path)?.trim();
  return text !== undefined && TOKEN_RE.test(text) ? text : undefined;
}

/** Replaces `path` with `token`, durably (temp file 0600, fsync, rename, fsync of the folder). */
export function writeDaemonToken(path: string, token: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, "w", 0o600);
  try {
    writeSync(fd, `${token}\n`);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, path);
  const dir = openSync(dirname(path), "r");
  try {
    fsyncSync(dir);
  } catch {
    // some filesystems refuse fsync on a directory; the rename is still atomic
  } finally {
    closeSync(dir);
  }
}

/** Stops every process carrying `token`; resolves with those that survived SIGKILL. */
export async function reapByDaemonToken(token: string, opts: { timeoutMs: number; log: (message: string) => void }): Promise<number[]> {
  const entry = `${DAEMON_VAR}=${token}`;
  const sweep = new MarkedSweep({
    find: () => findPidsWithEnvEntry(entry),
    signalPid: defaultSignalPid,
    stopSignal: "SIGTERM",
    timeoutMs: opts.timeoutMs,
    onFound: (pids) => opts.log(`reaping ${pids.length} process(es) a previous daemon started and did not record (${pids.join(", ")})`),
    onEscalate: (pids) => opts.log(`process(es) ${pids.join(", ")} still running ${opts.timeoutMs} ms after SIGTERM; sending SIGKILL`),
    onError: (message) => opts.log(message),
  });
  return await sweep.finish();
}
