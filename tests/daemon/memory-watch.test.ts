import { afterEach, expect, test } from "bun:test";
import type { ServiceConfig } from "../../src/config/types.ts";
import { MemoryWatch, residentMemory } from "../../src/daemon/memory-watch.ts";

const MB = 1024 ** 2;
const svc = (name: string, maxMemoryBytes?: number) => ({ name, ...(maxMemoryBytes === undefined ? {} : { maxMemoryBytes }) }) as ServiceConfig;

let watch: MemoryWatch | undefined;
afterEach(() => watch?.stop());

function setup(services: ServiceConfig[], pids: Record<string, number>, memory: Record<number, number>) {
  const asked: number[][] = [];
  const restarts: string[] = [];
  watch = new MemoryWatch({
    services: () => services,
    pidOf: (name) => pids[name],
    memoryOf: (limited) => {
      const pgids = limited.map((l) => l.pid);
      asked.push(pgids);
      return new Map(pgids.flatMap((p) => (memory[p] === undefined ? [] : [[p, { memoryBytes: memory[p] as number }]])));
    },
    restart: (name, pid, cause) => {
      restarts.push(`${name} ${pid}: ${cause}`);
      return true;
    },
  });
  return { watch, asked, restarts };
}

test("samples only the running services that set max_memory, and restarts the one over it two samples in a row", () => {
  const t = setup([svc("hog", 100 * MB), svc("small", 100 * MB), svc("free"), svc("down", 100 * MB)], { hog: 10, small: 20, free: 30 }, { 10: 150 * MB, 20: 5 * MB, 30: 900 * MB });
  t.watch.sample();
  expect(t.restarts).toEqual([]);
  t.watch.sample();
  expect(t.asked).toEqual([[10, 20], [10, 20]]);
  expect(t.restarts).toEqual(["hog 10: memory 150 MB over max_memory 100 MB"]);
});

test("no service with max_memory: no timer and no sample at all", () => {
  const t = setup([svc("free")], { free: 30 }, { 30: 900 * MB });
  t.watch.update();
  expect(t.watch.sampling).toBe(false);
  t.watch.sample();
  expect(t.asked).toEqual([]);
});

test("update starts the timer once a service sets max_memory and stops it when none does", () => {
  const services = [svc("hog", 100 * MB)];
  const t = setup(services, {}, {});
  t.watch.update();
  expect(t.watch.sampling).toBe(true);
  services[0] = svc("hog");
  t.watch.update();
  expect(t.watch.sampling).toBe(false);
});

test("residentMemory takes each service's cgroup figure, and walks /proc once for the groups of those it has none for", () => {
  const walked: number[][] = [];
  const walk = (pgids: number[]) => {
    walked.push(pgids);
    return new Map(pgids.map((p) => [p, { memoryBytes: p * MB }]));
  };
  const limited = [
    { name: "api", pid: 10 },
    { name: "nested", pid: 20 },
    { name: "web", pid: 30 },
  ];
  const cgroups = { residentBytes: (name: string) => (name === "nested" ? undefined : name.length * MB) };
  expect(residentMemory(limited, cgroups, walk)).toEqual(new Map([[10, { memoryBytes: 3 * MB }], [30, { memoryBytes: 3 * MB }], [20, { memoryBytes: 20 * MB }]]));
  expect(walked).toEqual([[20]]);
  // Every figure from its cgroup: no walk at all. Without containment: one walk for all.
  walked.length = 0;
  residentMemory([limited[0] as { name: string; pid: number }], cgroups, walk);
  expect(walked).toEqual([]);
  expect(residentMemory(limited, undefined, walk).get(30)).toEqual({ memoryBytes: 30 * MB });
  expect(walked).toEqual([[10, 20, 30]]);
});
