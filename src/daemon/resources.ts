/** CPU and memory per service, summed over its process group, sampled only when asked. */
import { listProcStats, pageSize } from "../os/proc-info.ts";

export interface Usage {
  cpuPercent: number;
  memoryBytes: number;
}

/** Samples on demand: CPU % is the share of one core used since the previous sample. */
export class ResourceSampler {
  private previous = new Map<number, { ticks: number; at: number }>();

  /** Usage of each group leader in `pgids` (groups with no live member are absent). */
  sample(pgids: number[]): Map<number, Usage> {
    const wanted = new Set(pgids);
    const totals = new Map<number, { ticks: number; pages: number }>();
    if (wanted.size === 0) return new Map();
    for (const stat of listProcStats()) {
      if (!wanted.has(stat.pgid) || stat.state === "Z") continue;
      const t = totals.get(stat.pgid) ?? { ticks: 0, pages: 0 };
      t.ticks += stat.utime + stat.stime;
      t.pages += stat.rssPages;
      totals.set(stat.pgid, t);
    }
    const now = performance.now();
    const usage = new Map<number, Usage>();
    const next = new Map<number, { ticks: number; at: number }>();
    for (const [pgid, t] of totals) {
      const prior = this.previous.get(pgid);
      const seconds = prior ? (now - prior.at) / 1000 : 0;
      const cpu = prior && seconds > 0 ? ((t.ticks - prior.ticks) / CLOCK_TICKS / seconds) * 100 : 0;
      usage.set(pgid, { cpuPercent: Math.max(0, Math.round(cpu * 10) / 10), memoryBytes: t.pages * pageSize() });
      next.set(pgid, { ticks: t.ticks, at: now });
    }
    this.previous = next;
    return usage;
  }
}

/** USER_HZ: 100 on every Linux the kernel ABI allows userspace to see. */
const CLOCK_TICKS = 100;
