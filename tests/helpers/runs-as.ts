/** Running canopy as another user (uid 65534 in the tests), who cannot reach a private (0700) checkout. */
import { chmodSync, copyFileSync } from "node:fs";
import { join } from "node:path";
import { BUN, type CliResult, MAIN } from "./cli.ts";

type Ids = { uid: number; gid: number };

/** True when `argv` runs and exits 0 as uid/gid; false when it fails or cannot even be spawned (EACCES). */
export function runsAs(argv: string[], opts: Ids & { cwd: string; env: Record<string, string> }): boolean {
  try {
    return Bun.spawnSync(argv, { ...opts, stdout: "ignore", stderr: "ignore" }).exitCode === 0;
  } catch {
    return false;
  }
}

/**
 * `[bun, main.ts]` that `ids` can run: ours where they can reach them, else a copy of bun and a
 * bundle of canopy's entry written into `dir`, a folder they may read (mode 0755) that the caller removes.
 */
export function canopyCommandFor(ids: Ids, dir: string): [string, string] {
  const at = { ...ids, cwd: "/", env: { PATH: "/usr/bin:/bin" } };
  chmodSync(dir, 0o755);
  let bun = BUN;
  if (!runsAs([BUN, "--version"], at)) {
    bun = join(dir, "bun");
    copyFileSync(BUN, bun);
    chmodSync(bun, 0o755);
  }
  if (runsAs(["test", "-r", MAIN], at)) return [bun, MAIN];
  const main = join(dir, "canopy-main.js");
  const built = Bun.spawnSync([BUN, "build", MAIN, "--target=bun", `--outfile=${main}`], { stdout: "pipe", stderr: "pipe" });
  if (built.exitCode !== 0) throw new Error(`bundling ${MAIN} for uid ${ids.uid} failed: ${built.stderr.toString()}`);
  return [bun, main];
}

/** Runs `command` (from canopyCommandFor) with `args` as `ids`, in `cwd` with only `env`. */
export async function runCanopyAs(command: string[], ids: Ids, args: string[], opts: { cwd: string; env: Record<string, string> }): Promise<CliResult> {
  const proc = Bun.spawn([...command, ...args], { ...ids, ...opts, stdout: "pipe", stderr: "pipe", timeout: 90_000, killSignal: "SIGKILL" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}
