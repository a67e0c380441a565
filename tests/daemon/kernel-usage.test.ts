/** CPU share from cpu.stat's usage_usec: over a window of at least 500 ms, else the average since the start. */
import { expect, test } from "bun:test";
import { KernelUsage } from "../../src/daemon/kernel-usage.ts";

test("first sample: average since the start; then the share since the last baseline old enough; memory only with memory.current", () => {
  let usec = 2_000_000;
  let mono = 0;
  let wall = 10_000;
  const k = new KernelUsage({ usage: () => ({ cpuUsec: usec }) }, () => mono, () => wall);
  // 2 s of CPU over 4 s of life: 50 %.
  expect(k.sample("web", 6_000)).toEqual({ cpuPercent: 50, cpuSeconds: 2 });
  usec += 250_000;
  mono += 1_000;
  wall += 1_000;
  // 0.25 s over the last second.
  expect(k.sample("web", 6_000)).toEqual({ cpuPercent: 25, cpuSeconds: 2.25 });
  const withMemory = new KernelUsage({ usage: () => ({ cpuUsec: 0, memoryBytes: 4096 }) });
  expect(withMemory.sample("x", undefined)).toEqual({ cpuPercent: 0, cpuSeconds: 0, memoryBytes: 4096 });
  expect(new KernelUsage({ usage: () => ({}) }).sample("gone", undefined)).toBeUndefined();
});
