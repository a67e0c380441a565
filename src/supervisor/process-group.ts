/** The real process-group seams: signal a group, ask whether it still has members. */

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

/** True while any process is left in the group led by `pid`. */
export function defaultGroupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (err) {
    // EPERM: a member exists but is not ours to signal — still alive.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
