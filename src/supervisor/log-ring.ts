/** A per-service log buffer bounded in bytes. Pure: no I/O. */

/** Keeps the newest lines whose total UTF-8 size fits `capBytes`; the newest line is always kept. */
const EVICTED = { text: "", bytes: 0 };

export class LogRing {
  private lines: { text: string; bytes: number }[] = [];
  private head = 0;
  private totalBytes = 0;

  constructor(private readonly capBytes: number) {}

  push(text: string): void {
    const bytes = Buffer.byteLength(text);
    this.lines.push({ text, bytes });
    this.totalBytes += bytes;
    while (this.totalBytes > this.capBytes && this.lines.length - this.head > 1) {
      const oldest = this.lines[this.head];
      // Drop the reference now: up to 1024 evicted slots wait for compaction, and 1024
      // evicted 64 KiB lines would hold 64+ MiB.
      this.lines[this.head++] = EVICTED;
      if (oldest) this.totalBytes -= oldest.bytes;
    }
    // Compact now and then so evicted slots do not pile up.
    if (this.head > 1024 && this.head * 2 > this.lines.length) {
      this.lines = this.lines.slice(this.head);
      this.head = 0;
    }
  }

  /** The buffered lines, oldest first; the last `n` when given. */
  snapshot(n?: number): string[] {
    const from = n === undefined ? this.head : Math.max(this.head, this.lines.length - n);
    return this.lines.slice(from).map((l) => l.text);
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
