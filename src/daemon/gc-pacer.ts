/**
 * Garbage collection in step with child output. Under an output flood (a child writing
 * hundreds of MB, or a million lines, as fast as it can) every line leaves short-lived
 * strings and buffers behind, and JSC's own heuristics let that garbage pile up by
 * 100+ MiB of RSS before collecting. A full collection after every 8 MiB of output keeps
 * the daemon's memory flat; a service printing at a normal rate triggers one every few
 * minutes at most.
 */

/** Objects allocated per line beyond its bytes (splitter copy, strings, entries): an estimate. */
const LINE_OVERHEAD_BYTES = 256;
/** Output (plus per-line overhead) between two collections. */
export const GC_EVERY_BYTES = 8 * 1024 * 1024;
/**
 * A followed line is also decoded, stamped and JSON-encoded for the follower (even one
 * that is not reading: its entries are built, then dropped), about three times its bytes
 * of garbage; measured with a stalled follower on two floods: +57-64 MiB counted as 1×,
 * +34-36 MiB as 3×.
 */
const FOLLOWED_FACTOR = 3;

export class GcPacer {
  private owed = 0;

  constructor(
    private readonly everyBytes = GC_EVERY_BYTES,
    private readonly collect: () => void = () => Bun.gc(true),
  ) {}

  /** Accounts for one line of output `bytes` long (`followed`: someone follows the logs); collects once enough has passed through. */
  note(bytes: number, followed = false): void {
    this.owed += (followed ? FOLLOWED_FACTOR * bytes : bytes) + LINE_OVERHEAD_BYTES;
    if (this.owed < this.everyBytes) return;
    this.owed = 0;
    this.collect();
  }
}
