/** CgroupContainment over a fake cgroup tree: who a drain signals (and never twice), when it kills, and the OOM reason. */
import { expect, test } from "bun:test";
import type { CgroupLimits } from "../../src/os/cgroup/files.ts";
import { CgroupContainment, type CgroupTree } from "../../src/supervisor/containment.ts";

/** A tree whose one service holds `members` (pid → pgid); `leaveOn` decides which signal makes a pid exit. */
function fakeWorld(members: Map<number, number>, leaveOn: (signal: string) => boolean) {
  const calls: string[] = [];
  let oomKills = 0;
  const tree: CgroupTree = {
    home: "/cg/daemon/cgroup.procs",
    create: (service: string, limits: CgroupLimits) => {
      calls.push(`create ${service} ${JSON.stringify(limits)}`);
      return `/cg/svc-${service}/cgroup.procs`;
    },
    populated: () => members.size > 0,
    pids: () => [...members.keys()],
    kill: () => {
      calls.push("kill");
      members.clear();
    },
    oomKills: () => oomKills,
    remove: (service) => {
      calls.push(`remove ${service}`);
      return true;
    },
  };
  const os = {
    pgidOf: (pid: number) => members.get(pid),
    signalPid: (pid: number, signal: NodeJS.Signals) => {
      calls.push(`${signal} ${pid}`);
      if (leaveOn(signal)) members.delete(pid);
    },
  };
  return { tree, os, calls, oom: () => void oomKills++ };
}

test("strays (outside the leader's group) get the stop signal and SIGCONT once; the drain then removes the emptied cgroup", async () => {
  // 10 leads group 10; 11 is in it; 20 and 21 left it.
  const w = fakeWorld(new Map([[11, 10], [20, 20], [21, 20]]), (s) => s === "SIGCONT");
  const c = new CgroupContainment(w.tree, w.os);
  expect(c.prepare("web", { pidsMax: 20 })).toEqual({ procs: "/cg/svc-web/cgroup.procs", home: "/cg/daemon/cgroup.procs" });
  expect(c.signalStrays("web", 10, "SIGTERM")).toEqual([20, 21]);
  expect(w.calls.slice(1)).toEqual(["SIGTERM 20", "SIGCONT 20", "SIGTERM 21", "SIGCONT 21"]);
  w.calls.length = 0;
  // 11 (a group member, which the group signal reached) is still there at the leader's exit: waited for, not signalled again.
  setTimeout(() => w.tree.kill("web"), 30);
  const notices: string[] = [];
  expect(await c.drain("web", { pgid: 10, signal: "SIGTERM", timeoutMs: 5_000, notice: (m) => notices.push(m) })).toEqual({});
  expect(w.calls).toEqual(["kill", "remove web"]);
  expect(notices).toEqual([]);
});

test("what ignores the stop signal is killed with the whole cgroup at the deadline; the drain returns only once it is empty", async () => {
  const w = fakeWorld(new Map([[9, 9]]), () => false);
  const c = new CgroupContainment(w.tree, w.os);
  c.prepare("stubborn", {});
  const notices: string[] = [];
  await c.drain("stubborn", { pgid: 5, signal: "SIGINT", timeoutMs: 50, notice: (m) => notices.push(m) });
  expect(w.calls.slice(1)).toEqual(["SIGINT 9", "SIGCONT 9", "kill", "remove stubborn"]);
  expect(notices).toEqual([
    "stopping 1 process(es) left in the service's cgroup (9)",
    "processes still in the service's cgroup 50ms after SIGINT; killing the cgroup",
  ]);
});

test("an empty cgroup is removed without a signal; an OOM kill since the spawn is the kernel's reason, with memory_max", async () => {
  const w = fakeWorld(new Map(), () => true);
  const c = new CgroupContainment(w.tree, w.os);
  c.prepare("hog", { memoryMaxBytes: 256 * 1024 ** 2 });
  w.oom();
  expect(await c.drain("hog", { pgid: 1, signal: "SIGTERM", timeoutMs: 10, notice: () => {} })).toEqual({ kernel: "out of memory (memory_max 256 MB)" });
  expect(w.calls).toEqual(['create hog {"memoryMaxBytes":268435456}', "remove hog"]);
  // The next run starts from the count it finds: an old kill is not reported again.
  c.prepare("hog", { memoryMaxBytes: 256 * 1024 ** 2 });
  expect(await c.drain("hog", { pgid: 1, signal: "SIGTERM", timeoutMs: 10, notice: () => {} })).toEqual({});
});
