/** A per-service log buffer bounded in bytes. Pure: no I/O. */
import { forEachLine } from "./line-splitter.ts";

const decoder = new TextDecoder("utf-8", { fatal: false });
const encoder = new TextEncoder();

const NEWLINE = 0x0a;
/** First slab size; it grows (doubling) only as a service's output needs. */
const INITIAL_SLAB_BYTES = 4 * 1024;

/**
 * Keeps the newest lines whose total size as `[prefix] line\n` fits `capBytes`; the newest
 * line is always kept. Output goes in as runs of whole lines (each ending in "\n"), copied
 * into one byte slab with an offset pair per run — nothing per line — so a flood nobody
 * reads costs one copy per chunk. Lines are found and decoded only on `snapshot`.
 *
 * The slab keeps the shortest run of newest lines that is at least `capBytes` long raw:
 * a shown line is never shorter than its raw bytes, so every line `snapshot` can show is
 * in it, and `snapshot` settles the exact set. The live region is moved to the slab's
 * start when the slab fills, so the slab stays within about twice the cap plus a chunk.
 */
export class LogRing {
  private slab = new Uint8Array(0);
  private writeAt = 0;
  /** Start and length of each run in the slab, oldest first from `head`. */
  private starts: number[] = [];
  private lengths: number[] = [];
  private head = 0;
  /** Raw bytes of the runs from `head` on. */
  private rawBytes = 0;
  private readonly prefixBytes: number;

  /** `prefix` is what each line is shown with, e.g. `[api] `. */
  constructor(
    private readonly capBytes: number,
    private readonly prefix = "",
  ) {
    this.prefixBytes = encoder.encode(prefix).length;
  }

  /** Buffers a run of whole lines, each ending in "\n"; the bytes are copied. */
  pushLines(run: Uint8Array): void {
    if (run.length === 0) return;
    this.makeRoom(run.length);
    this.slab.set(run, this.writeAt);
    this.starts.push(this.writeAt);
    this.lengths.push(run.length);
    this.writeAt += run.length;
    this.rawBytes += run.length;
    this.evict();
  }

  /** The buffered lines as `[prefix] line\n`, oldest first; the last `n` when given. */
  snapshot(n = Number.POSITIVE_INFINITY): string[] {
    const out: string[] = [];
    let shown = 0;
    for (let r = this.starts.length - 1; r >= this.head && out.length < n; r--) {
      const start = this.starts[r] as number;
      const lines: Uint8Array[] = [];
      forEachLine(this.slab.subarray(start, start + (this.lengths[r] as number)), (line) => lines.push(line));
      for (let i = lines.length - 1; i >= 0 && out.length < n; i--) {
        const line = lines[i] as Uint8Array;
        const size = this.prefixBytes + line.length + 1;
        if (out.length > 0 && shown + size > this.capBytes) return out.reverse();
        shown += size;
        out.push(`${this.prefix}${decoder.decode(line)}\n`);
      }
    }
    return out.reverse();
  }

  /** Bytes of what `snapshot()` shows. */
  get bytes(): number {
    return this.snapshot().reduce((n, line) => n + encoder.encode(line).length, 0);
  }

  clear(): void {
    this.slab = new Uint8Array(0);
    this.writeAt = 0;
    this.starts = [];
    this.lengths = [];
    this.head = 0;
    this.rawBytes = 0;
  }

  /** Drops the oldest lines while the newer ones alone are at least `capBytes` raw. */
  private evict(): void {
    while (this.starts.length - this.head > 1 && this.rawBytes - (this.lengths[this.head] as number) >= this.capBytes) {
      this.rawBytes -= this.lengths[this.head] as number;
      this.head++;
    }
    // Now only the oldest run may hold lines to drop: those ending at or before `excess`.
    const excess = this.rawBytes - this.capBytes;
    if (excess <= 0) return;
    const start = this.starts[this.head] as number;
    // Never past the run's last newline: the newest line stays.
    const searchTo = Math.min(excess, (this.lengths[this.head] as number) - 1);
    const keepFrom = this.slab.subarray(start, start + searchTo).lastIndexOf(NEWLINE) + 1;
    if (keepFrom === 0) return;
    this.starts[this.head] = start + keepFrom;
    this.lengths[this.head] = (this.lengths[this.head] as number) - keepFrom;
    this.rawBytes -= keepFrom;
  }

  /** Ensures `length` more bytes fit after `writeAt`: compacts the live runs first, then grows. */
  private makeRoom(length: number): void {
    if (this.writeAt + length <= this.slab.length) return;
    const liveFrom = this.head < this.starts.length ? (this.starts[this.head] as number) : this.writeAt;
    const liveBytes = this.writeAt - liveFrom;
    let size = Math.max(this.slab.length, INITIAL_SLAB_BYTES);
    while (size < 2 * (liveBytes + length)) size *= 2;
    const next = size === this.slab.length ? this.slab : new Uint8Array(size);
    if (next === this.slab) this.slab.copyWithin(0, liveFrom, this.writeAt);
    else next.set(this.slab.subarray(liveFrom, this.writeAt), 0);
    this.slab = next;
    this.starts = this.starts.slice(this.head).map((s) => s - liveFrom);
    this.lengths = this.lengths.slice(this.head);
    this.head = 0;
    this.writeAt = liveBytes;
  }
}
