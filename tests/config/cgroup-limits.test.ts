/** memory_max, cpus and pids_max: validated by field, and refused with the reason where the daemon cannot apply them. */
import { expect, test } from "bun:test";
import { cgroupLimitProblems } from "../../src/config/cgroup-checks.ts";
import { checkCgroupLimits } from "../../src/config/cgroup-schema.ts";

function check(raw: Record<string, unknown>) {
  const problems: [string, string][] = [];
  const limits = checkCgroupLimits(raw, (field, message) => problems.push([field, message]));
  return { limits, problems };
}

test("values: a size from 1MB (the size parser's units), cores from 0.01, a whole number of pids from 1", () => {
  expect(check({ memory_max: "256MB", cpus: 0.5, pids_max: 20 })).toEqual({ limits: { memoryMaxBytes: 256 * 1024 ** 2, cpus: 0.5, pidsMax: 20 }, problems: [] });
  expect(check({})).toEqual({ limits: undefined, problems: [] });
  expect(check({ memory_max: "lots", cpus: 0, pids_max: 1.5 }).problems).toEqual([
    ["memory_max", 'expected a size like 512KB, 10MB or 1GB, got "lots"'],
    ["cpus", "expected a number of cores from 0.01 to 4096 (such as 0.5 or 2), got 0"],
    ["pids_max", "expected a whole number from 1 to 4194304, got 1.5"],
  ]);
});

test("refused, never ignored: without cgroups, and without the controller (with the kernel's reason)", () => {
  const limits = { memoryMaxBytes: 1024 ** 3, cpus: 1, pidsMax: 10 };
  expect(cgroupLimitProblems(limits, { mode: "process-group+mark", reason: "cgroups turned off by CANOPY_CGROUPS=off" })).toEqual([
    { field: "memory_max", message: "needs a cgroup, and canopy runs without cgroups here (cgroups turned off by CANOPY_CGROUPS=off); max_memory (sampled, restarts the service) works without cgroups" },
    { field: "cpus", message: "needs a cgroup, and canopy runs without cgroups here (cgroups turned off by CANOPY_CGROUPS=off)" },
    { field: "pids_max", message: "needs a cgroup, and canopy runs without cgroups here (cgroups turned off by CANOPY_CGROUPS=off)" },
  ]);
  const facts = { mode: "cgroup" as const, reason: "", dir: "/cg", controllers: ["pids" as const], missing: { memory: "bound to v1", cpu: "not delegated" } };
  expect(cgroupLimitProblems(limits, facts)).toEqual([
    { field: "memory_max", message: "needs the cgroup v2 memory controller: bound to v1; max_memory (sampled, restarts the service) works without cgroups" },
    { field: "cpus", message: "needs the cgroup v2 cpu controller: not delegated" },
  ]);
  expect(cgroupLimitProblems({ pidsMax: 10 }, facts)).toEqual([]);
});
