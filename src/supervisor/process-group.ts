/** The real process-group seams: signal a group, ask whether it still has members. */
import { existsSync } from "node:fs";
import { listGroupMembers } from "../os/proc-info.ts";

/**
 * Signals the process group led by `pid` (`kill(-pid)`). A child spawned with
 * `detached: true` leads its own group, so this reaches a wrapper's grandchildren too.
 * Falls back to the bare pid on ESRCH (no such group, e.g. a child not yet detached);
 * any other error (EPERM, …) is rethrown, never swallowed.
 */
export function defaultKillGroup(pid: number, signal: NodeJS.Signals | number): void {
  try {
    process.kill(-pid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ESRCH") throw err;
    process.kill(pid, signal);
  }
}

/**
 * Sends SIGCONT to the group led by `pid`, right after its stop signal: a stopped
 * (SIGSTOP'd, or job-control stopped) member only acts on a pending SIGTERM once it runs
 * again (s6 does the same). Best effort: a group already gone, or not ours, is no error
 * here — the stop signal's own send reports those. Production only; fakes never see it.
 */
export function defaultContinueGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGCONT");
  } catch {
    // gone, or not ours to signal: nothing to continue
  }
}

/**
 * True while any live process is left in the group led by `pid`. Zombies do not count:
 * a grandchild orphaned by its leader is reaped by init whenever init gets to it (seconds,
 * or never for a PID 1 that does not reap), and a zombie holds no port and runs no code.
 */
export function defaultGroupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
  } catch (err) {
    // EPERM: a member exists but is not ours to signal — still alive.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
  if (!hasProcFs()) return true;
  return listGroupMembers(pid).length > 0;
}

let procFs: boolean | undefined;
function hasProcFs(): boolean {
  procFs ??= existsSync("/proc/self/stat");
  return procFs;
}
