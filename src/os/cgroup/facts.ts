/**
 * The I/O edge of detection: reads /proc/self/cgroup, /proc/self/mountinfo and the cgroup's
 * controllers, and decides the containment mode (`cgroup` or `process-group+mark`) with its reason.
 */
import { accessSync, constants, statSync } from "node:fs";
import { readOrUndefined as read } from "../proc-info.ts";
import { LIMIT_CONTROLLERS, type LimitController, locateOwnCgroup, parseMountinfo, whyControllerMissing } from "./detect.ts";

/** The env seam: `CANOPY_CGROUPS=off` keeps a daemon on process groups and marks even where it could use cgroups. */
export const CGROUPS_VAR = "CANOPY_CGROUPS";

export type ContainmentMode = "cgroup" | "process-group+mark";

/** What a daemon started here would use, and why. */
export type ContainmentFacts =
  | {
      mode: "cgroup";
      reason: string;
      /** The directory of this process's own cgroup: the daemon's subtree is made under it. */
      dir: string;
      /** Limit controllers the subtree may enable, and why each other one is missing. */
      controllers: LimitController[];
      missing: Partial<Record<LimitController, string>>;
    }
  | { mode: "process-group+mark"; reason: string };

let cached: ContainmentFacts | undefined;

/** The facts for this process, read once (a daemon reads them before it moves into its own leaf). */
export function containmentFacts(env: Record<string, string | undefined> = process.env): ContainmentFacts {
  cached ??= readContainmentFacts(env);
  return cached;
}

/** Reads the facts afresh. */
export function readContainmentFacts(env: Record<string, string | undefined>): ContainmentFacts {
  const off = (reason: string): ContainmentFacts => ({ mode: "process-group+mark", reason });
  if (env[CGROUPS_VAR] === "off") return off(`cgroups turned off by ${CGROUPS_VAR}=off`);
  if (process.platform !== "linux") return off(`cgroups are Linux only (this is ${process.platform})`);
  const procCgroup = read("/proc/self/cgroup");
  const mountinfo = read("/proc/self/mountinfo");
  if (procCgroup === undefined || mountinfo === undefined) return off("cannot read /proc/self/cgroup or /proc/self/mountinfo");
  const own = locateOwnCgroup(procCgroup, mountinfo);
  if ("reason" in own) return off(own.reason);
  const unwritable = whyNotWritable(own.dir);
  if (unwritable) return off(unwritable);
  const available = (read(`${own.dir}/cgroup.controllers`) ?? "").trim().split(/\s+/);
  const mounts = parseMountinfo(mountinfo);
  const controllers = LIMIT_CONTROLLERS.filter((c) => available.includes(c));
  const missing: Partial<Record<LimitController, string>> = {};
  for (const c of LIMIT_CONTROLLERS) if (!controllers.includes(c)) missing[c] = whyControllerMissing(c, mounts, own.dir);
  const uid = process.getuid?.() ?? 0;
  const who = uid === 0 ? "root" : `uid ${uid}`;
  return { mode: "cgroup", reason: `${own.dir} is writable by ${who} (cgroup v2)`, dir: own.dir, controllers, missing };
}

/** Why this process may not make cgroups under `dir`; undefined when it may. */
function whyNotWritable(dir: string): string | undefined {
  try {
    accessSync(dir, constants.W_OK);
    accessSync(`${dir}/cgroup.procs`, constants.W_OK);
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const uid = process.getuid?.();
    const owner = ownerOf(dir);
    if (code === "EROFS") return `${dir} is on a read-only mount (a container without a writable cgroup)`;
    return `cannot create cgroups under ${dir} (${code}: owned by uid ${owner}, this is uid ${uid}); run canopy as root, or under systemd with Delegate=yes`;
  }
}

function ownerOf(path: string): string {
  try {
    return String(statSync(path).uid);
  } catch {
    return "?";
  }
}
