/** A per-service log buffer bounded in bytes. Pure: no I/O. */

const decoder = new TextDecoder("utf-8", { fatal: false });
const encoder = new TextEncoder();

/** First slab size; it grows (doubling) only as a service's output needs. */
const INITIAL_SLAB_BYTES = 4 * 1024;

/**
 * Keeps the newest lines whose total size as `[prefix] line\n` fits `capBytes`; the newest
 * line is always kept. Lines are copied into one byte slab with their offsets kept in
 * number arrays — no object per line — and decoded on `snapshot`, so a flood nobody
 * reads costs one copy per line. Evicting moves a head index; the live region is moved
 * to the slab's start when the slab fills, so the slab stays within about twice the cap
 * plus the longest line.
 */
export class LogRing {
  private slab = new Uint8Array(0);
  private writeAt = 0;
  private starts: number[] = [];
  private lengths: number[] = [];
  private head = 0;
  private totalBytes = 0;
  private readonly prefixBytes: number;

  /** `prefix` is what each line is shown with, e.g. `[api] `. */
  constructor(
    private readonly capBytes: number,
    private readonly prefix = "",
  ) {
    this.prefixBytes = encoder.encode(prefix).length;
  }

  /** Buffers one line (without its newline); the bytes are copied. */
  push(line: Uint8Array | string): void {
    const bytes = typeof line === "string" ? encoder.encode(line) : line;
    this.makeRoom(bytes.length);
    this.slab.set(bytes, this.writeAt);
    this.starts.push(this.writeAt);
    this.lengths.push(bytes.length);
    this.writeAt += bytes.length;
    this.totalBytes += this.sizeOf(bytes.length);
    while (this.totalBytes > this.capBytes && this.starts.length - this.head > 1) {
      this.totalBytes -= this.sizeOf(this.lengths[this.head] as number);
      this.head++;
    }
  }

  /** The buffered lines as `[prefix] line\n`, oldest first; the last `n` when given. */
  snapshot(n?: number): string[] {
    const from = n === undefined ? this.head : Math.max(this.head, this.starts.length - n);
    const out: string[] = [];
    for (let i = from; i < this.starts.length; i++) {
      const start = this.starts[i] as number;
      const text = decoder.decode(this.slab.subarray(start, start + (this.lengths[i] as number)));
      out.push(`${this.prefix}${text}\n`);
    }
    return out;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  clear(): void {
    this.slab = new Uint8Array(0);
    this.writeAt = 0;
    this.starts = [];
    this.lengths = [];
    this.head = 0;
    this.totalBytes = 0;
  }

  private sizeOf(length: number): number {
    return this.prefixBytes + length + 1;
  }

  /** Ensures `length` more bytes fit after `writeAt`: compacts the live lines first, then grows. */
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
