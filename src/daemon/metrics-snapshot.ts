/** Gathers what `/metrics` shows, at scrape time only: each service's cgroup, one scan of /proc for the running groups it did not measure, the daemon's own usage, the counters. */
import type { DaemonInfo, ServiceView } from "../api/wire.ts";
import type { MetricsSnapshot } from "../metrics/families.ts";
import type { ServiceCounters } from "../metrics/service-counters.ts";
import type { NotifySnapshot } from "../metrics/families.ts";
import { commit, VERSION } from "../version.ts";
import { groupTotals } from "./resources.ts";

export interface SnapshotSources {
  info: DaemonInfo;
  /** Every service's view, without the usage `status` samples (this takes its own). */
  views: () => ServiceView[];
  counters: ServiceCounters;
  notify: () => NotifySnapshot;
  /** cgroup mode: CPU seconds (and memory) from each service's cgroup. */
  kernelUsage?: { sample(service: string, startedAtMs: number | undefined): { cpuSeconds: number; memoryBytes?: number } | undefined };
}

export function takeMetricsSnapshot(src: SnapshotSources): MetricsSnapshot {
  const views = src.views();
  const kernelOf = new Map(views.flatMap((v) => {
    const k = v.pid === null ? undefined : src.kernelUsage?.sample(v.name, undefined);
    return k ? [[v.name, k] as const] : [];
  }));
  // The walk of /proc (every process on the machine) only for the groups their cgroup did not measure.
  const totals = groupTotals(views.flatMap((v) => (v.pid === null || kernelOf.get(v.name)?.memoryBytes !== undefined ? [] : [v.pid])));
  const cpu = process.cpuUsage();
  return {
    daemon: {
      pid: src.info.pid,
      version: VERSION,
      commit: commit(),
      startTimeSeconds: Date.parse(src.info.started_at) / 1000,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      memoryBytes: process.memoryUsage.rss(),
    },
    services: views.map((v) => {
      const counts = src.counters.get(v.name);
      const walked = v.pid === null ? undefined : totals.get(v.pid);
      const kernel = kernelOf.get(v.name);
      const usage = kernel ? { cpuSeconds: kernel.cpuSeconds, memoryBytes: kernel.memoryBytes ?? walked?.memoryBytes } : walked;
      const started = v.pid !== null && v.started_at !== null ? Date.parse(v.started_at) / 1000 : undefined;
      return {
        name: v.name,
        ...(v.replica && { replica: v.replica }),
        up: v.pid !== null,
        ...(v.pid !== null && { pid: v.pid }),
        ready: v.ready,
        restartsTotal: counts.restarts,
        startTimeSeconds: started,
        cpuSeconds: usage?.cpuSeconds,
        memoryBytes: usage?.memoryBytes,
        logLines: { stdout: counts.stdout, stderr: counts.stderr },
        droppedLines: counts.dropped,
      };
    }),
    notify: src.notify(),
  };
}
