/**
 * Garbage collection in step with child output. Under an output flood (a child writing
 * hundreds of MB as fast as it can) every chunk read from a pipe is a fresh buffer, and
 * a followed flood leaves strings and entries behind for every line; JSC's own
 * heuristics let that garbage pile up by tens of MiB of RSS before collecting. A full
 * collection after every 32 MiB of unfollowed output (2.7 MiB followed) keeps the
 * daemon's memory flat; a service printing at a normal rate triggers one every few
 * minutes at most.
 */

/** Objects allocated per run of output beyond its bytes (views, the output record): an estimate. */
const RUN_OVERHEAD_BYTES = 256;
/** Output (plus per-run overhead) between two collections. */
export const GC_EVERY_BYTES = 32 * 1024 * 1024;
/**
 * A followed line is also cut out, decoded, stamped and JSON-encoded for the follower
 * (even one that is not reading: its entries are built, then dropped), about three times
 * its bytes of garbage, and that garbage is JSC heap, which grows RSS faster than a
 * read buffer does. Measured with a stalled follower on two floods: collecting every
 * 8 MiB of followed output left +57-64 MiB, every 2.7 MiB +34-36 MiB.
 */
const FOLLOWED_FACTOR = 12;

export class GcPacer {
  private owed = 0;

  constructor(
    private readonly everyBytes = GC_EVERY_BYTES,
    private readonly collect: () => void = () => Bun.gc(true),
  ) {}

  /** Accounts for one run of output `bytes` long (`followed`: someone follows the logs); collects once enough has passed through. */
  note(bytes: number, followed = false): void {
    this.owed += (followed ? FOLLOWED_FACTOR * bytes : bytes) + RUN_OVERHEAD_BYTES;
    if (this.owed < this.everyBytes) return;
    this.owed = 0;
    this.collect();
  }
}
