/**
 * A daemon's subtree for real (root with a writable cgroup v2, as CI): this test process plays the
 * daemon — it moves into the leaf and back out on teardown, leaving nothing behind.
 */
import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { spawnInside } from "../../../src/os/cgroup/placement.ts";
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
