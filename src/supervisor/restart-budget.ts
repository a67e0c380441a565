/** The sliding-window crash count that decides between respawn and give-up. Pure: no I/O. */

/** Crash times within the last `windowMs`; `record` returns how many there are now. */
export class RestartBudget {
  private crashes: number[] = [];

  record(now: number, windowMs: number): number {
    this.crashes.push(now);
    return this.countAt(now, windowMs);
  }

  /** Crashes still inside the window ending at `now`. */
  countAt(now: number, windowMs: number): number {
    this.crashes = this.crashes.filter((t) => now - t < windowMs);
    return this.crashes.length;
  }

  /** How many are recorded, without pruning (for snapshots between crashes). */
  get count(): number {
    return this.crashes.length;
  }

  reset(): void {
    this.crashes = [];
  }
}
