/** `max_memory`: deciding that a service stayed over its limit for long enough (pure: samples are taken in memory-watch.ts). */
import { megabytes } from "../os/bytes.ts";

/** Samples in a row over the limit that restart a service: one spike (a GC's peak) is not enough. */
export const SAMPLES_OVER = 2;

/** The count of samples in a row over the limit, per service, for its current child. */
export class MemoryOverruns {
  private readonly runs = new Map<string, { pid: number; over: number }>();

  /**
   * Records one sample of `service`'s child `pid`; returns the restart's cause once it has been
   * over `limitBytes` SAMPLES_OVER times in a row, else undefined. A new pid starts the count over.
   */
  note(service: string, pid: number, memoryBytes: number, limitBytes: number): string | undefined {
    const prior = this.runs.get(service);
    const over = memoryBytes > limitBytes ? (prior?.pid === pid ? prior.over : 0) + 1 : 0;
    this.runs.set(service, { pid, over });
    if (over < SAMPLES_OVER) return undefined;
    this.runs.delete(service);
    return memoryCause(memoryBytes, limitBytes);
  }

  /** Forgets every service not in `keep` (stopped, removed, or its limit dropped). */
  retain(keep: ReadonlySet<string>): void {
    for (const name of this.runs.keys()) if (!keep.has(name)) this.runs.delete(name);
  }
}

/** `memory 530 MB over max_memory 512 MB` (MB of 1024², as max_memory is read). */
export function memoryCause(memoryBytes: number, limitBytes: number): string {
  return `memory ${megabytes(memoryBytes)} over max_memory ${megabytes(limitBytes)}`;
}
