/** Doctor's containment line: the running daemon's mode, else what a daemon started here would use — and why. */
import { expect, test } from "bun:test";
import { containmentCheck } from "../../src/doctor/containment.ts";

test("cgroups off: a warning that says why and what is lost; on: ok, with the subtree and each missing controller", () => {
  const never = () => {
    throw new Error("not read when the daemon answered");
  };
  expect(containmentCheck({ mode: "process-group+mark", reason: "cannot create cgroups under /sys/fs/cgroup (EACCES)" }, never)).toEqual({
    status: "warn",
    what: "containment: daemon uses process groups and marks, not cgroups: cannot create cgroups under /sys/fs/cgroup (EACCES) (a process that leaves its group and clears its environment escapes a stop; memory_max, cpus and pids_max are refused)",
  });
  const facts = () => ({ mode: "cgroup" as const, reason: "/cg is writable by root (cgroup v2)", dir: "/cg", controllers: [], missing: { pids: "bound to v1" } });
  expect(containmentCheck(undefined, facts)).toEqual({
    status: "ok",
    what: "containment: a daemon started here would use a cgroup per service (/cg is writable by root (cgroup v2)); no pids limits: bound to v1",
  });
});
