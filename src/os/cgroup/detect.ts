/**
 * Where this process's cgroup v2 directory is, read from /proc/self/cgroup and /proc/self/mountinfo
 * (pure: the text is read in facts.ts). Never assumes a mount point: /sys/fs/cgroup on a unified
 * system, /sys/fs/cgroup/unified on a hybrid one, anything in a container.
 */

/** A cgroup v2 mount: where it is mounted, and which cgroup of the hierarchy is its root. */
export interface Cgroup2Mount {
  mountPoint: string;
  root: string;
}

/** A cgroup v1 hierarchy and the controllers bound to it (a controller bound here is not available to v2). */
export interface Cgroup1Mount {
  mountPoint: string;
  controllers: string[];
}

export interface Mounts {
  v2: Cgroup2Mount[];
  v1: Cgroup1Mount[];
}

/** The cgroup v2 path of the process (the `0::PATH` line), or undefined when it has none. */
export function parseProcCgroup(text: string): string | undefined {
  for (const line of text.split("\n")) {
    if (line.startsWith("0::")) return line.slice(3).trim().replace(/ \(deleted\)$/, "");
  }
  return undefined;
}

/** The cgroup mounts in mountinfo text (`ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL…] - FSTYPE SOURCE SUPEROPTS`). */
export function parseMountinfo(text: string): Mounts {
  const mounts: Mounts = { v2: [], v1: [] };
  for (const line of text.split("\n")) {
    const fields = line.split(" ");
    const dash = fields.indexOf("-");
    if (dash < 6) continue;
    const fsType = fields[dash + 1];
    const root = unescapeMount(fields[3] as string);
    const mountPoint = unescapeMount(fields[4] as string);
    if (fsType === "cgroup2") mounts.v2.push({ mountPoint, root });
    else if (fsType === "cgroup") {
      const options = (fields[dash + 3] ?? "").split(",");
      mounts.v1.push({ mountPoint, controllers: options.filter((o) => V1_CONTROLLER_NAMES.has(o)) });
    }
  }
  return mounts;
}

/** The controllers a v1 mount's super options may name (the rest are rw, name=…, …). */
const V1_CONTROLLER_NAMES = new Set(["cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "net_cls", "blkio", "perf_event", "net_prio", "hugetlb", "pids", "rdma", "misc"]);

/** mountinfo escapes space, tab, newline and backslash as octal (`\040`). */
function unescapeMount(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(Number.parseInt(oct, 8)));
}

/** Where this process's own cgroup directory is, or why there is none to use. */
export type OwnCgroup = { dir: string; path: string } | { reason: string };

/** The directory of cgroup `path` under the first v2 mount whose root holds it. */
export function locateOwnCgroup(procCgroup: string, mountinfo: string): OwnCgroup {
  const path = parseProcCgroup(procCgroup);
  if (path === undefined) return { reason: "this kernel gives the process no cgroup v2 hierarchy (/proc/self/cgroup has no 0:: line)" };
  const { v2 } = parseMountinfo(mountinfo);
  if (v2.length === 0) return { reason: "cgroup v2 is not mounted here (no cgroup2 line in /proc/self/mountinfo)" };
  for (const mount of v2) {
    const root = mount.root.replace(/\/$/, "");
    if (path !== root && !path.startsWith(`${root}/`) && root !== "") continue;
    const rest = path.slice(root.length).replace(/^\/+/, "");
    return { dir: rest === "" ? mount.mountPoint : `${mount.mountPoint.replace(/\/$/, "")}/${rest}`, path };
  }
  return { reason: `this process's cgroup ${path} is outside every cgroup2 mount (${v2.map((m) => m.mountPoint).join(", ")})` };
}

/** The controllers cgroup limits use: `cpus` → cpu, `memory_max` → memory, `pids_max` → pids. */
export const LIMIT_CONTROLLERS = ["cpu", "memory", "pids"] as const;
export type LimitController = (typeof LIMIT_CONTROLLERS)[number];

/** Why `controller` is missing from a v2 cgroup.controllers list: bound to a v1 hierarchy, or not delegated. */
export function whyControllerMissing(controller: string, mounts: Mounts, dir: string): string {
  const v1 = mounts.v1.find((m) => m.controllers.includes(controller));
  if (v1) return `the ${controller} controller is bound to cgroup v1 (mounted at ${v1.mountPoint}), so cgroup v2 at ${dir} cannot use it`;
  return `the ${controller} controller is not enabled for ${dir} (not in its cgroup.controllers: the parent does not delegate it)`;
}
