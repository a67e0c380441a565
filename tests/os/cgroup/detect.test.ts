/** Finding this process's cgroup v2 directory from /proc/self/cgroup and mountinfo text (fixtures of real systems). */
import { describe, expect, test } from "bun:test";
import { locateOwnCgroup, parseMountinfo, parseProcCgroup, whyControllerMissing } from "../../../src/os/cgroup/detect.ts";

/** A hybrid host (systemd's "hybrid" layout): every controller on v1, v2 at /sys/fs/cgroup/unified with none. */
const HYBRID_MOUNTS = `30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
38 30 0:35 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
39 30 0:36 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
`;
const HYBRID_CGROUP = "9:name=systemd:/\n4:memory:/process_api/e6c8\n1:cpu:/\n0::/\n";

/** A unified host (systemd ≥ 247 default): one v2 mount at /sys/fs/cgroup, optional fields before the dash. */
const UNIFIED_MOUNTS = "24 30 0:21 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n";
const UNIFIED_CGROUP = "0::/system.slice/canopy-app.service\n";

/** A container without a cgroup namespace: the mount's root is the container's cgroup. */
const CONTAINER_MOUNTS = "612 600 0:21 /docker/abc123 /sys/fs/cgroup ro,nosuid - cgroup2 cgroup rw\n";

describe("parsing", () => {
  test("the 0:: line is the v2 path; v1 lines are not", () => {
    expect(parseProcCgroup(HYBRID_CGROUP)).toBe("/");
    expect(parseProcCgroup(UNIFIED_CGROUP)).toBe("/system.slice/canopy-app.service");
    expect(parseProcCgroup("4:memory:/x\n")).toBeUndefined();
  });

  test("mountinfo: v2 mounts with their root, v1 mounts with the controllers bound to them (not name=…, rw)", () => {
    expect(parseMountinfo(HYBRID_MOUNTS)).toEqual({
      v2: [{ mountPoint: "/sys/fs/cgroup/unified", root: "/" }],
      v1: [
        { mountPoint: "/sys/fs/cgroup/cpu", controllers: ["cpu"] },
        { mountPoint: "/sys/fs/cgroup/memory", controllers: ["memory"] },
        { mountPoint: "/sys/fs/cgroup/pids", controllers: ["pids"] },
        { mountPoint: "/sys/fs/cgroup/systemd", controllers: [] },
      ],
    });
    expect(parseMountinfo("1 0 0:1 / /a\\040b rw - cgroup2 none rw\n").v2).toEqual([{ mountPoint: "/a b", root: "/" }]);
  });
});

describe("locateOwnCgroup", () => {
  test("hybrid: the v2 mount wherever it is, never a fixed path", () => {
    expect(locateOwnCgroup(HYBRID_CGROUP, HYBRID_MOUNTS)).toEqual({ dir: "/sys/fs/cgroup/unified", path: "/" });
  });

  test("unified under systemd: the unit's own cgroup", () => {
    expect(locateOwnCgroup(UNIFIED_CGROUP, UNIFIED_MOUNTS)).toEqual({
      dir: "/sys/fs/cgroup/system.slice/canopy-app.service",
      path: "/system.slice/canopy-app.service",
    });
  });

  test("a container whose mount root is its own cgroup: the path is taken relative to it", () => {
    expect(locateOwnCgroup("0::/docker/abc123/app\n", CONTAINER_MOUNTS)).toEqual({ dir: "/sys/fs/cgroup/app", path: "/docker/abc123/app" });
    expect(locateOwnCgroup("0::/docker/abc123\n", CONTAINER_MOUNTS)).toEqual({ dir: "/sys/fs/cgroup", path: "/docker/abc123" });
  });

  test("no v2 line, no v2 mount, a path outside every mount: each says why", () => {
    expect(locateOwnCgroup("4:memory:/\n", HYBRID_MOUNTS)).toEqual({ reason: expect.stringContaining("no 0:: line") });
    expect(locateOwnCgroup(HYBRID_CGROUP, "31 30 0:28 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n")).toEqual({
      reason: "cgroup v2 is not mounted here (no cgroup2 line in /proc/self/mountinfo)",
    });
    expect(locateOwnCgroup("0::/other\n", CONTAINER_MOUNTS)).toEqual({ reason: "this process's cgroup /other is outside every cgroup2 mount (/sys/fs/cgroup)" });
  });
});

test("a missing controller is explained: bound to v1 (and where), or not delegated by the parent", () => {
  const mounts = parseMountinfo(HYBRID_MOUNTS);
  expect(whyControllerMissing("memory", mounts, "/sys/fs/cgroup/unified")).toBe(
    "the memory controller is bound to cgroup v1 (mounted at /sys/fs/cgroup/memory), so cgroup v2 at /sys/fs/cgroup/unified cannot use it",
  );
  expect(whyControllerMissing("pids", parseMountinfo(UNIFIED_MOUNTS), "/sys/fs/cgroup/x")).toBe(
    "the pids controller is not enabled for /sys/fs/cgroup/x (not in its cgroup.controllers: the parent does not delegate it)",
  );
});
