/** What changing a service's replica count, or restarting its replicas one by one, does (pure: no I/O). */
import { instanceNames } from "../config/replicas.ts";

/** The processes a scale stops (highest-numbered first) and starts (lowest first); `keep` run on with their pids. */
export interface ScalePlan {
  service: string;
  from: number;
  to: number;
  stop: string[];
  start: string[];
  keep: string[];
}

/**
 * From `from` copies of `service` to `to`. The replicas both counts name keep running; the extra ones stop,
 * highest-numbered first; the missing ones start. Crossing between one copy and more renames the first (`web` ↔
 * `web.1`): that copy is stopped and started under its new name.
 */
export function planScale(service: string, from: number, to: number): ScalePlan {
  const before = instanceNames(service, from);
  const after = instanceNames(service, to);
  const kept = new Set(after);
  const was = new Set(before);
  return {
    service,
    from,
    to,
    stop: before.filter((n) => !kept.has(n)).reverse(),
    start: after.filter((n) => !was.has(n)),
    keep: after.filter((n) => was.has(n)),
  };
}

/** The order `restart --rolling` takes the replicas in: lowest-numbered first, one at a time. */
export function rollingOrder(names: readonly string[]): string[] {
  const index = (n: string) => Number(/\.(\d+)$/.exec(n)?.[1] ?? 0);
  return [...names].sort((a, b) => index(a) - index(b));
}
