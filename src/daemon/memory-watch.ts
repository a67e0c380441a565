/** Samples the memory of the services that set `max_memory`, once a second, and restarts those that stay over it. */
import type { ServiceConfig } from "../config/types.ts";
import { MemoryOverruns } from "./memory-limit.ts";

export interface MemoryWatchDeps {
  services: () => readonly ServiceConfig[];
  /** The pid (process group leader) of the service's live child. */
  pidOf: (name: string) => number | undefined;
  /** Resident bytes of each limited service, by the pid of its live child (see residentMemory). */
  memoryOf: (limited: readonly { name: string; pid: number }[]) => Map<number, { memoryBytes: number }>;
  /** Restarts the child `pid` as a crash with `cause`; false when it is not the live child any more. */
  restart: (name: string, pid: number, cause: string) => boolean;
  intervalMs?: number;
}

/** The sampling interval: "stays over" is SAMPLES_OVER of these in a row. */
export const MEMORY_SAMPLE_MS = 1_000;

/** Runs a timer only while some service sets `max_memory`: the others cost nothing. */
export class MemoryWatch {
  private timer?: ReturnType<typeof setInterval>;
  private readonly overruns = new MemoryOverruns();

  constructor(private readonly deps: MemoryWatchDeps) {}

  /** Starts or stops the timer for the services as they are now (call after a reload). */
  update(): void {
    const wanted = this.deps.services().some((s) => s.maxMemoryBytes !== undefined);
    if (wanted && !this.timer) {
      this.timer = setInterval(() => this.sample(), this.deps.intervalMs ?? MEMORY_SAMPLE_MS);
      this.timer.unref?.();
    } else if (!wanted) this.stop();
  }

  /** True while the timer runs. */
  get sampling(): boolean {
    return this.timer !== undefined;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One sample of every limited service that runs; restarts those over their limit long enough. */
  sample(): void {
    const limited: { name: string; pid: number; limit: number }[] = [];
    for (const s of this.deps.services()) {
      const pid = s.maxMemoryBytes === undefined ? undefined : this.deps.pidOf(s.name);
      if (pid !== undefined && s.maxMemoryBytes !== undefined) limited.push({ name: s.name, pid, limit: s.maxMemoryBytes });
    }
    this.overruns.retain(new Set(limited.map((l) => l.name)));
    if (limited.length === 0) return;
    const usage = this.deps.memoryOf(limited);
    for (const { name, pid, limit } of limited) {
      const bytes = usage.get(pid)?.memoryBytes;
      if (bytes === undefined) continue;
      const cause = this.overruns.note(name, pid, bytes, limit);
      if (cause !== undefined) this.deps.restart(name, pid, cause);
    }
  }
}

/**
 * The resident bytes of each service in `limited`, keyed by its child's pid: with containment,
 * summed over the processes in its cgroup (those that left its process group included), read
 * through descriptors kept open; otherwise, or when its cgroup holds no process directly, summed
 * over its process group by one walk of /proc for all of them.
 */
export function residentMemory(
  limited: readonly { name: string; pid: number }[],
  cgroups: { residentBytes(service: string): number | undefined } | undefined,
  walk: (pgids: number[]) => Map<number, { memoryBytes: number }>,
): Map<number, { memoryBytes: number }> {
  const result = new Map<number, { memoryBytes: number }>();
  const rest: number[] = [];
  for (const { name, pid } of limited) {
    const bytes = cgroups?.residentBytes(name);
    if (bytes === undefined) rest.push(pid);
    else result.set(pid, { memoryBytes: bytes });
  }
  if (rest.length > 0) for (const [pid, usage] of walk(rest)) result.set(pid, usage);
  return result;
}
