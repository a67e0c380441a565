/**
 * A daemon's subtree for real (root with a writable cgroup v2, as CI): this test process plays the
 * daemon — it moves into the leaf and back out on teardown, leaving nothing behind.
 */
import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { spawnInside } from "../../../src/os/cgroup/placement.ts";
import { pageSize } from "../../../src/os/proc-info.ts";
import { CgroupSubtree } from "../../../src/os/cgroup/subtree.ts";
import { CGROUP_FACTS, cgroupOf, childCgroups } from "../../helpers/cgroup.ts";
import { waitFor } from "../../helpers/net.ts";
import { pidRunning } from "../../helpers/proc.ts";

const before = cgroupOf(process.pid);
const dir = CGROUP_FACTS.mode === "cgroup" ? CGROUP_FACTS.dir : "/nonexistent";
const tree = new CgroupSubtree(dir, `canopy-subtree-test-${process.pid}`);

afterAll(() => {
  tree.teardown();
});

test("setup, a service with a nested cgroup, kill, remove, teardown: the process is back where it was and the subtree is gone", async () => {
  expect(CGROUP_FACTS).toMatchObject({ mode: "cgroup" });
  expect(tree.setup([])).toEqual({});
  expect(cgroupOf(process.pid)).toEndWith(`/canopy-subtree-test-${process.pid}/daemon`);
  const procs = tree.create("web", {});
  const leader = spawnInside({ procs, home: tree.home }, () => Bun.spawn(["sleep", "1000"], { stdin: "ignore" }));
  // A cgroup made under the service's own (as a canopy run as a service makes): still part of the service.
  mkdirSync(`${tree.dirOf("web")}/inner`);
  const inner = Bun.spawn(["sleep", "1000"], { stdin: "ignore" });
  writeFileSync(`${tree.dirOf("web")}/inner/cgroup.procs`, String(inner.pid));
  expect(tree.services()).toEqual(["web"]);
  expect(tree.pids("web").sort()).toEqual([leader.pid, inner.pid].sort());
  expect(tree.populated("web")).toBe(true);
  expect(tree.pids("web")).not.toContain(process.pid);
  expect(tree.usage("web").cpuUsec).toBeNumber();

  tree.kill("web");
  await Promise.all([leader.exited, inner.exited]);
  await waitFor(() => !tree.populated("web"), "the service's cgroup to empty");
  expect([leader.pid, inner.pid].filter(pidRunning)).toEqual([]);
  expect(tree.remove("web")).toBe(true);
  expect(childCgroups(tree.root)).toEqual(["daemon"]);

  expect(tree.teardown()).toBe(true);
  expect(cgroupOf(process.pid)).toBe(before);
  expect(existsSync(tree.root)).toBe(false);
});

/** Resident pages of `pid` × the page size, read directly; 0 once it is gone. */
function residentBytes(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/statm`, "latin1").split(" ")[1]) * pageSize();
  } catch {
    return 0;
  }
}

test("usage without the memory controller: memory is the resident memory of the processes in the service's cgroup, and follows them as they come and go", async () => {
  expect(CGROUP_FACTS).toMatchObject({ mode: "cgroup" });
  const usageTree = new CgroupSubtree(dir, `canopy-usage-test-${process.pid}`);
  try {
    expect(usageTree.setup([])).toEqual({});
    const procs = usageTree.create("api", {});
    const spawn = () => spawnInside({ procs, home: usageTree.home }, () => Bun.spawn(["sleep", "1000"], { stdin: "ignore" }));
    expect(usageTree.usage("api").memoryBytes).toBeUndefined();
    const a = spawn();
    const b = spawn();
    // A process just spawned is still loading its program: its resident memory settles within moments.
    const settlesAt = (pids: number[]) =>
      waitFor(() => {
        const sum = pids.reduce((total, pid) => total + residentBytes(pid), 0);
        // residentBytes (what max_memory samples) is the same sum, read the same way.
        return usageTree.usage("api").memoryBytes === sum && usageTree.residentBytes("api") === sum;
      }, `the cgroup's memory to be that of ${pids.join(" and ")}`);
    await settlesAt([a.pid, b.pid]);
    expect(residentBytes(a.pid)).toBeGreaterThan(0);
    expect(residentBytes(b.pid)).toBeGreaterThan(0);
    expect(usageTree.usage("api").cpuUsec).toBeNumber();

    a.kill("SIGKILL");
    await a.exited;
    await waitFor(() => !readFileSync(procs, "latin1").split("\n").includes(String(a.pid)), "the killed process to leave the cgroup");
    await settlesAt([b.pid]);
    const c = spawn();
    await settlesAt([b.pid, c.pid]);

    usageTree.kill("api");
    await Promise.all([b.exited, c.exited]);
    await waitFor(() => !usageTree.populated("api"), "the service's cgroup to empty");
    expect(usageTree.usage("api").memoryBytes).toBeUndefined();
    expect(usageTree.residentBytes("api")).toBeUndefined();
    expect(usageTree.remove("api")).toBe(true);
  } finally {
    // Whatever failed above: no process and no cgroup left behind.
    usageTree.kill("api");
    await waitFor(() => !usageTree.populated("api"), "the service's cgroup to empty");
    usageTree.teardown();
  }
  expect(existsSync(usageTree.root)).toBe(false);
  expect(cgroupOf(process.pid)).toBe(before);
});
