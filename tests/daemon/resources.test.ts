/** CPU and memory per process group, sampled from /proc: real children, one busy, one idle. */
import { afterEach, describe, expect, test } from "bun:test";
import { ResourceSampler } from "../../src/daemon/resources.ts";
import { BUN, killGroups } from "./helpers.ts";

const groups = new Set<number>();
afterEach(() => {
  killGroups(groups);
  groups.clear();
});

/**
 * A detached child (its own process group); `busy` spins a core. Resolves once the child runs
 * its script: sampled in the instant of its exec, a process can show no resident pages yet.
 */
async function child(busy: boolean): Promise<number> {
  const script = `console.log("up"); ${busy ? "for (;;) {}" : "setInterval(() => {}, 1 << 30)"}`;
  const p = Bun.spawn([BUN, "-e", script], { detached: true, stdin: "ignore", stdout: "pipe", stderr: "ignore" });
  groups.add(p.pid);
  const reader = p.stdout.getReader();
  await reader.read();
  reader.releaseLock();
  return p.pid;
}

/** Lets `ms` of wall time pass: CPU shares are measured over a window, so the window is the point (not a wait for an event). */
function elapse(ms: number): Promise<void> {
  return Bun.sleep(ms);
}

describe.skipIf(process.platform !== "linux")("ResourceSampler", () => {
  test("a busy child shows CPU on the second sample, an idle one about none; both have resident memory", async () => {
    const busy = await child(true);
    const idle = await child(false);
    const sampler = new ResourceSampler();
    const first = sampler.sample([busy, idle]);
    expect(first.get(busy)?.memoryBytes).toBeGreaterThan(0);
    expect(first.get(idle)?.memoryBytes).toBeGreaterThan(0);

    await elapse(1_000);
    const second = sampler.sample([busy, idle]);
    expect(second.get(busy)?.cpuPercent).toBeGreaterThan(20);
    expect(second.get(idle)?.cpuPercent).toBeLessThan(20);
    // Memory is bytes, in pages: a bun child holds at least a few MB.
    expect(second.get(busy)?.memoryBytes).toBeGreaterThan(1024 * 1024);
    expect((second.get(busy)?.memoryBytes ?? 0) % 1024).toBe(0);
  }, 30_000);

  test("a group seen for the first time gets its average since it started, not 0", async () => {
    const busy = await child(true);
    await elapse(1_000);
    const usage = new ResourceSampler().sample([busy]);
    expect(usage.get(busy)?.cpuPercent).toBeGreaterThan(20);
  }, 30_000);

  test("sampling one group does not reset the baseline of another", async () => {
    const busy = await child(true);
    const other = await child(false);
    const sampler = new ResourceSampler(() => undefined); // no fallback: only real windows count
    sampler.sample([busy, other]);
    await elapse(700);
    sampler.sample([other]);
    expect(sampler.sample([busy]).get(busy)?.cpuPercent).toBeGreaterThan(20);
  }, 30_000);

  test("a group with no live member is absent; an empty request samples nothing", async () => {
    const p = Bun.spawn(["true"], { detached: true });
    await p.exited;
    const sampler = new ResourceSampler();
    expect(sampler.sample([p.pid]).has(p.pid)).toBe(false);
    expect(sampler.sample([]).size).toBe(0);
  });
});
