/**
 * CPU and memory per service from its cgroup (cgroup mode): cpu.stat's usage_usec counts every
 * process that ran in it, those that left the process group and those that exited included;
 * memory.current, where the memory controller is enabled, the whole cgroup's memory, and without
 * it the resident memory of the processes in the cgroup.
 */
import type { CgroupUsage } from "../os/cgroup/subtree.ts";

/** The shortest window a CPU share is measured over (as ResourceSampler). */
const MIN_WINDOW_MS = 500;

export interface KernelSample {
  cpuPercent: number;
  cpuSeconds: number;
  /** Absent when the cgroup could not say (no process directly in it): the process-group walk's figure stays. */
  memoryBytes?: number;
}

export class KernelUsage {
  private readonly previous = new Map<string, { usec: number; at: number }>();

  constructor(
    private readonly tree: { usage(service: string): CgroupUsage },
    private readonly now: () => number = () => performance.now(),
    private readonly wallNow: () => number = Date.now,
  ) {}

  /** The service's usage; `startedAtMs` (epoch) gives a first sample its average since the start. Undefined without a cgroup. */
  sample(service: string, startedAtMs: number | undefined): KernelSample | undefined {
    const u = this.tree.usage(service);
    if (u.cpuUsec === undefined) return undefined;
    const now = this.now();
    const prior = this.previous.get(service);
    let cpu = 0;
    if (prior && now - prior.at >= MIN_WINDOW_MS && u.cpuUsec >= prior.usec) {
      cpu = ((u.cpuUsec - prior.usec) / 1000 / (now - prior.at)) * 100;
    } else if (startedAtMs !== undefined && this.wallNow() > startedAtMs) {
      cpu = (u.cpuUsec / 1000 / (this.wallNow() - startedAtMs)) * 100;
    }
    // A baseline is kept until it is old enough to measure against.
    if (!prior || now - prior.at >= MIN_WINDOW_MS || u.cpuUsec < prior.usec) this.previous.set(service, { usec: u.cpuUsec, at: now });
    return {
      cpuPercent: Math.max(0, Math.round(cpu * 10) / 10),
      cpuSeconds: u.cpuUsec / 1e6,
      ...(u.memoryBytes === undefined ? {} : { memoryBytes: u.memoryBytes }),
    };
  }
}
