/** Whether another user can run a program: in a private (0700) checkout it cannot reach ours. */

/** True when `argv` runs and exits 0 as uid/gid; false when it fails or cannot even be spawned (EACCES). */
export function runsAs(argv: string[], opts: { uid: number; gid: number; cwd: string; env: Record<string, string> }): boolean {
  try {
    return Bun.spawnSync(argv, { ...opts, stdout: "ignore", stderr: "ignore" }).exitCode === 0;
  } catch {
    return false;
  }
}

/**
 * canopy's entry (src/main.ts) as a file uid/gid can read: the entry itself when they can, else
 * a bundle of it written into `dir` (which they must be able to read).
 */
export function mainFor(main: string, bun: string, dir: string, ids: { uid: number; gid: number }): string {
  if (runsAs(["test", "-r", main], { ...ids, cwd: "/", env: { PATH: "/usr/bin:/bin" } })) return main;
  const out = `${dir}/canopy-main.js`;
  const built = Bun.spawnSync([bun, "build", main, "--target=bun", `--outfile=${out}`], { stdout: "pipe", stderr: "pipe" });
  if (built.exitCode !== 0) throw new Error(`bundling ${main} for uid ${ids.uid} failed: ${built.stderr.toString()}`);
  return out;
}
