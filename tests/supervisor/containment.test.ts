/** CgroupContainment over a fake cgroup tree: what a drain signals, when it kills, and the OOM reason. */
import { expect, test } from "bun:test";
import type { CgroupLimits } from "../../src/os/cgroup/files.ts";
import { CgroupContainment, type CgroupTree } from "../../src/supervisor/containment.ts";

/** A tree whose one service holds `pids`; `onSignal` decides which leave on which signal. */
function fakeTree(pids: number[], leaveOn: (signal: string) => boolean) {
  const calls: string[] = [];
  let members = [...pids];
  let oomKills = 0;
  const tree: CgroupTree & { calls: string[]; oom(): void } = {
    calls,
    home: "/cg/daemon/cgroup.procs",
    oom: () => {
      oomKills++;
    },
    create: (service: string, limits: CgroupLimits) => {
      calls.push(`create ${service} ${JSON.stringify(limits)}`);
      return `/cg/svc-${service}/cgroup.procs`;
    },
    populated: () => members.length > 0,
    signal: (_service, signal) => {
      calls.push(`signal ${signal}`);
      const had = [...members];
      if (leaveOn(signal)) members = [];
      return had;
    },
    kill: () => {
      calls.push("kill");
      members = [];
    },
    usage: () => ({ cpuUsec: 1, oomKills }),
    remove: (service) => {
      calls.push(`remove ${service}`);
      return true;
    },
  };
  return tree;
}

test("a drain signals what is left with the stop signal and SIGCONT, then removes the cgroup", async () => {
  const tree = fakeTree([7, 8], (s) => s === "SIGTERM");
  const c = new CgroupContainment(tree);
  expect(c.prepare("web", { pidsMax: 20 })).toEqual({ procs: "/cg/svc-web/cgroup.procs", home: "/cg/daemon/cgroup.procs" });
  const notices: string[] = [];
  expect(await c.drain("web", { signal: "SIGTERM", timeoutMs: 1000, notice: (m) => notices.push(m) })).toEqual({});
  expect(tree.calls).toEqual(['create web {"pidsMax":20}', "signal SIGTERM", "signal SIGCONT", "remove web"]);
  expect(notices).toEqual(["stopping 2 process(es) left in the service's cgroup (7, 8)"]);
});

test("what ignores the stop signal is killed with the whole cgroup at the deadline; the drain returns only once it is empty", async () => {
  const tree = fakeTree([9], () => false);
  const c = new CgroupContainment(tree);
  c.prepare("stubborn", {});
  const notices: string[] = [];
  await c.drain("stubborn", { signal: "SIGINT", timeoutMs: 50, notice: (m) => notices.push(m) });
  expect(tree.calls.slice(1)).toEqual(["signal SIGINT", "signal SIGCONT", "kill", "remove stubborn"]);
  expect(notices[1]).toBe("processes still in the service's cgroup 50ms after SIGINT; killing the cgroup");
});

test("an empty cgroup is removed without a signal; an OOM kill since the spawn is the kernel's reason, with memory_max", async () => {
  const tree = fakeTree([], () => true);
  const c = new CgroupContainment(tree);
  c.prepare("hog", { memoryMaxBytes: 256 * 1024 ** 2 });
  tree.oom();
  expect(await c.drain("hog", { signal: "SIGTERM", timeoutMs: 10, notice: () => {} })).toEqual({ kernel: "out of memory (memory_max 256 MB)" });
  expect(tree.calls).toEqual(['create hog {"memoryMaxBytes":268435456}', "remove hog"]);
  // The next run starts from the count it finds: an old kill is not reported again.
  c.prepare("hog", { memoryMaxBytes: 256 * 1024 ** 2 });
  expect(await c.drain("hog", { signal: "SIGTERM", timeoutMs: 10, notice: () => {} })).toEqual({});
});
