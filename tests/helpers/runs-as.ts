/** Whether another user can run a program: in a private (0700) checkout it cannot reach ours. */

/** True when `argv` runs and exits 0 as uid/gid; false when it fails or cannot even be spawned (EACCES). */
export function runsAs(argv: string[], opts: { uid: number; gid: number; cwd: string; env: Record<string, string> }): boolean {
  try {
    return Bun.spawnSync(argv, { ...opts, stdout: "ignore", stderr: "ignore" }).exitCode === 0;
  } catch {
    return false;
  }
}
