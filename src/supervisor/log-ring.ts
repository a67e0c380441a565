/** A per-service log buffer bounded in bytes. Pure: no I/O. */

const decoder = new TextDecoder("utf-8", { fatal: false });
const encoder = new TextEncoder();

/** One buffered line: its raw bytes, decoded only when someone reads the ring. */
interface Slot {
  bytes: Uint8Array;
  size: number;
}

const EVICTED: Slot = { bytes: new Uint8Array(0), size: 0 };

/**
 * Keeps the newest lines whose total size as `[prefix] line\n` fits `capBytes`; the newest
 * line is always kept. Lines are stored as bytes and decoded on `snapshot`, so a flood
 * nobody reads costs no string work.
 */
export class LogRing {
  private lines: Slot[] = [];
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
    const bytes = typeof line === "string" ? encoder.encode(line) : line.slice();
    const size = this.prefixBytes + bytes.length + 1;
    this.lines.push({ bytes, size });
    this.totalBytes += size;
    while (this.totalBytes > this.capBytes && this.lines.length - this.head > 1) {
      const oldest = this.lines[this.head];
      // Drop the reference now: up to 1024 evicted slots wait for compaction, and 1024
      // evicted 64 KiB lines would hold 64+ MiB.
      this.lines[this.head++] = EVICTED;
      if (oldest) this.totalBytes -= oldest.size;
    }
    // Compact now and then so evicted slots do not pile up.
    if (this.head > 1024 && this.head * 2 > this.lines.length) {
      this.lines = this.lines.slice(this.head);
      this.head = 0;
    }
  }

  /** The buffered lines as `[prefix] line\n`, oldest first; the last `n` when given. */
  snapshot(n?: number): string[] {
    const from = n === undefined ? this.head : Math.max(this.head, this.lines.length - n);
    return this.lines.slice(from).map((l) => `${this.prefix}${decoder.decode(l.bytes)}\n`);
  }

  get bytes(): number {
    return this.totalBytes;
  }

  clear(): void {
    this.lines = [];
    this.head = 0;
    this.totalBytes = 0;
  }
}
