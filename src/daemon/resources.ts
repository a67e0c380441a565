/** CPU and memory per service, summed over its process group, sampled only when asked. */
import { readFileSync } from "node:fs";
import { pageSize, scanProcStats, ZOMBIE } from "../os/proc-info.ts";

export interface Usage {
  cpuPercent: number;
  memoryBytes: number;
}

/**
 * Samples on demand: CPU % is the share of one core used since an earlier sample of the
 * group (at least MIN_WINDOW_MS before); a group seen for the first time (or sampled again too
 * soon) gets its average since its leader started, so a single `status` already shows a
 * busy service as busy.
 */
export class ResourceSampler {
  private previous = new Map<number, { ticks: number; at: number }>();

  constructor(private readonly uptimeSeconds: () => number | undefined = readUptimeSeconds) {}

  /** Usage of each group leader in `pgids` (groups with no live member are absent). */
  sample(pgids: number[]): Map<number, Usage> {
    const wanted = new Set(pgids);
    if (wanted.size === 0) return new Map();
    const { totals, live } = scanGroups(wanted);
    const now = performance.now();
    const measurable = (pgid: number) => {
      const prior = this.previous.get(pgid);
      return prior !== undefined && now - prior.at >= MIN_WINDOW_MS;
    };
    const uptime = [...totals.keys()].some((pgid) => !measurable(pgid)) ? this.uptimeSeconds() : undefined;
    const usage = new Map<number, Usage>();
    // Other groups keep their baseline (a `status NAME` must not reset everyone's); groups
    // that no longer exist are dropped.
    const next = new Map([...this.previous].filter(([pgid]) => live.has(pgid) && !wanted.has(pgid)));
    for (const [pgid, t] of totals) {
      const prior = this.previous.get(pgid);
      let cpu = 0;
      if (prior && measurable(pgid)) {
        cpu = ((t.ticks - prior.ticks) / CLOCK_TICKS / ((now - prior.at) / 1000)) * 100;
      } else if (uptime !== undefined && t.leaderStart !== undefined && uptime - t.leaderStart > 0) {
        cpu = (t.ticks / CLOCK_TICKS / (uptime - t.leaderStart)) * 100;
      }
      usage.set(pgid, { cpuPercent: Math.max(0, Math.round(cpu * 10) / 10), memoryBytes: t.pages * pageSize() });
      // A baseline is kept until it is old enough to measure against: polling every 50 ms
      // (as `up -d` does) must not shrink the window to a few clock ticks.
      next.set(pgid, prior && !measurable(pgid) && t.ticks >= prior.ticks ? prior : { ticks: t.ticks, at: now });
    }
    this.previous = next;
    return usage;
  }
}

/** Cumulative CPU seconds and resident bytes of each group in `pgids`, for counters: no baseline, no state. */
export function groupTotals(pgids: number[]): Map<number, { cpuSeconds: number; memoryBytes: number }> {
  const result = new Map<number, { cpuSeconds: number; memoryBytes: number }>();
  if (pgids.length === 0) return result;
  for (const [pgid, t] of scanGroups(new Set(pgids)).totals) {
    result.set(pgid, { cpuSeconds: t.ticks / CLOCK_TICKS, memoryBytes: t.pages * pageSize() });
  }
  return result;
}

interface GroupTotal {
  ticks: number;
  pages: number;
  leaderStart?: number;
}

/** One byte-level scan of /proc: the summed ticks and pages of each wanted group's live members, and every group seen. */
function scanGroups(wanted: Set<number>): { totals: Map<number, GroupTotal>; live: Set<number> } {
  const totals = new Map<number, GroupTotal>();
  const live = new Set<number>();
  // A byte-level scan: a `status` reads every process on the machine, and strings per process would be garbage that grows the heap.
  scanProcStats((stat) => {
    live.add(stat.pgid);
    if (!wanted.has(stat.pgid) || stat.state === ZOMBIE) return;
    const t = totals.get(stat.pgid) ?? { ticks: 0, pages: 0 };
    t.ticks += stat.utime + stat.stime;
    t.pages += stat.rssPages;
    if (stat.pid === stat.pgid) t.leaderStart = stat.startTime / CLOCK_TICKS;
    totals.set(stat.pgid, t);
  });
  return { totals, live };
}

/** Seconds since boot (/proc/uptime), the clock /proc/<pid>/stat start times count on; undefined without /proc. */
function readUptimeSeconds(): number | undefined {
  try {
    const n = Number(readFileSync("/proc/uptime", "utf8").split(" ")[0]);
    return Number.isFinite(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

/** The shortest window a CPU share is measured over; shorter ones are a few clock ticks of noise. */
const MIN_WINDOW_MS = 500;

/** USER_HZ: 100 on every Linux the kernel ABI allows userspace to see. */
const CLOCK_TICKS = 100;
