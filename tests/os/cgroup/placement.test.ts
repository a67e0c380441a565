/**
 * Placement for real (root with a writable cgroup v2, as CI): a child forked inside a service's
 * cgroup is in it from its first instruction — so is a grandchild it forks at once — and this
 * process is back in its own cgroup when the spawn returns.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { spawnInside } from "../../../src/os/cgroup/placement.ts";
import { CGROUP_FACTS, cgroupOf, cgroupPids } from "../../helpers/cgroup.ts";

const own = cgroupOf(process.pid) as string;
let root = "";

beforeAll(() => {
  expect(CGROUP_FACTS).toMatchObject({ mode: "cgroup" });
  if (CGROUP_FACTS.mode !== "cgroup") return;
  root = `${CGROUP_FACTS.dir}/canopy-placement-test-${process.pid}`;
  mkdirSync(`${root}/home`, { recursive: true });
  mkdirSync(`${root}/svc`);
  writeFileSync(`${root}/home/cgroup.procs`, `${process.pid}\n`);
});

afterAll(() => {
  if (!root) return;
  writeFileSync(`${CGROUP_FACTS.mode === "cgroup" ? CGROUP_FACTS.dir : ""}/cgroup.procs`, `${process.pid}\n`);
  rmdirSync(`${root}/home`);
  rmdirSync(`${root}/svc`);
  rmdirSync(root);
});

test("the child, and a grandchild forked at once, are born in the service's cgroup; the spawner is back home after", async () => {
  const p = spawnInside({ procs: `${root}/svc/cgroup.procs`, home: `${root}/home/cgroup.procs` }, () =>
    Bun.spawn(["/bin/sh", "-c", "cat /proc/self/cgroup & wait; cat /proc/self/cgroup"], { stdout: "pipe" }),
  );
  expect(cgroupOf(process.pid)).toEndWith("/home");
  const out = await new Response(p.stdout).text();
  await p.exited;
  const lines = out.split("\n").filter((l) => l.startsWith("0::"));
  expect(lines).toHaveLength(2);
  for (const l of lines) expect(l).toEndWith("/svc");
  expect(cgroupPids(`${root}/svc`)).toEqual([]);
  expect(readFileSync(`${root}/home/cgroup.procs`, "utf8")).toBe(`${process.pid}\n`);
  expect(own).toBeDefined();
});

test("a spawn that throws still leaves the spawner back home", () => {
  expect(() =>
    spawnInside({ procs: `${root}/svc/cgroup.procs`, home: `${root}/home/cgroup.procs` }, () => {
      throw new Error("ENOENT");
    }),
  ).toThrow("ENOENT");
  expect(cgroupOf(process.pid)).toEndWith("/home");
});
