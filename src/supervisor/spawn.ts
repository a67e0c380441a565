/** The real spawn seam, and the environment a child receives. */
import { spawnInside } from "../os/cgroup/placement.ts";
import { argvWithLimits } from "../os/process-limits.ts";
import { argvAs } from "../os/privileges.ts";
import { shellInPlace } from "../os/shell-script.ts";
import { MARK_VAR } from "./escape.ts";
import type { SpawnIo, SpawnRequest, SupervisedProc } from "./types.ts";

/**
 * Spawns `req.cmd` as the leader of a new process group, stdin closed (a one-line `cmd` that is
 * one plain command runs in its shell's place: see shell-script.ts); stdout and stderr are
 * `io`'s, else new pipes. With `req.user`, as that account (throws PrivilegeDropError if it cannot);
 * with `req.nice` and `req.limits`, at that niceness and with those limits (throws LimitsError if it cannot);
 * with `req.cgroup`, forked inside that cgroup (see placement.ts).
 */
export function defaultSpawn(req: SpawnRequest, io?: SpawnIo): SupervisedProc {
  const cmd = shellInPlace(req.cmd);
  const argv = argvWithLimits(req, req.user ? argvAs(req.user, cmd) : cmd);
  const spawn = () =>
    Bun.spawn(argv, {
      cwd: req.cwd,
      env: req.env,
      stdin: "ignore",
      stdout: io?.stdout ?? "pipe",
      stderr: io?.stderr ?? "pipe",
      detached: true,
    });
  return req.cgroup === undefined ? spawn() : spawnInside(req.cgroup, spawn);
}

/**
 * The environment for one spawn: the supervisor's environment as it is now, overlaid
 * with the request's. A `PORT` of the supervisor's own never leaks into a child that
 * was not given one: it would make two services fight over one port.
 *
 * `mark`, when given, becomes `CANOPY_MARK` (see escape.ts) and wins over both: a mark
 * inherited from an outer supervisor, or set in the request, is replaced, because every
 * process of this spawn must carry exactly this one.
 */
export function childEnv(
  base: Record<string, string | undefined>,
  overlay: Record<string, string> | undefined,
  mark?: string,
): Record<string, string> {
  // One object, filled in place: a fleet start builds one per spawn, and copies are garbage.
  const env: Record<string, string> = {};
  for (const k of Object.keys(base)) {
    const v = base[k];
    if (v !== undefined) env[k] = v;
  }
  if (!overlay || !("PORT" in overlay)) delete env.PORT;
  if (overlay) for (const k of Object.keys(overlay)) env[k] = overlay[k] as string;
  if (mark !== undefined) env[MARK_VAR] = mark;
  return env;
}
