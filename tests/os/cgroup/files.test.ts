/** The cgroup interface files as parsed and written. */
import { expect, test } from "bun:test";
import { flatKey, limitWrites, parseCount, parsePopulated, parseProcs, statmResidentPages } from "../../../src/os/cgroup/files.ts";

test("cgroup.events, cgroup.procs, cpu.stat and memory.events as the kernel writes them", () => {
  expect(parsePopulated("populated 1\nfrozen 0\n")).toBe(true);
  expect(parsePopulated("populated 0\nfrozen 0\n")).toBe(false);
  expect(parseProcs("12\n345\n")).toEqual([12, 345]);
  expect(parseProcs("")).toEqual([]);
  const cpu = "usage_usec 6695208\nuser_usec 3790472\nsystem_usec 2904736\n";
  expect(flatKey(cpu, "usage_usec")).toBe(6695208);
  expect(flatKey("low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n", "oom_kill")).toBe(1);
  expect(flatKey("oom 1\n", "oom_kill")).toBeUndefined();
  // A key is a whole word at a line's start: "oom" is not "oom_kill", "usage_usec" not "xusage_usec".
  expect(flatKey("oom_kill 4\noom 2\n", "oom")).toBe(2);
  expect(flatKey("xusage_usec 5\n", "usage_usec")).toBeUndefined();
  expect(flatKey("usage_usec 7", "usage_usec")).toBe(7);
  expect(flatKey("usage_usec max\n", "usage_usec")).toBeUndefined();
  expect(flatKey("", "usage_usec")).toBeUndefined();
  expect(parseCount("1892352\n")).toBe(1892352);
  expect(parseCount("max\n")).toBeUndefined();
  expect(parseCount("")).toBeUndefined();
  expect(statmResidentPages("2065 462 418 5 0 84 0\n")).toBe(462);
  expect(statmResidentPages("")).toBeUndefined();
});

test("memory_max, cpus and pids_max become memory.max (no swap), cpu.max over a 100 ms period, pids.max", () => {
  expect(limitWrites({ memoryMaxBytes: 256 * 1024 ** 2, cpus: 0.5, pidsMax: 20 })).toEqual([
    { controller: "memory", file: "memory.max", value: "268435456" },
    { controller: "memory", file: "memory.swap.max", value: "0" },
    { controller: "cpu", file: "cpu.max", value: "50000 100000" },
    { controller: "pids", file: "pids.max", value: "20" },
  ]);
  expect(limitWrites({ cpus: 2 })).toEqual([{ controller: "cpu", file: "cpu.max", value: "200000 100000" }]);
  expect(limitWrites({})).toEqual([]);
});
