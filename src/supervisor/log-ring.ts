/** A per-service log buffer bounded in bytes. Pure: no I/O. */
import { forEachLine } from "./line-splitter.ts";
import { decodeLine } from "./output-line.ts";

const NEWLINE = 0x0a;
/** A run shorter than this is copied into a block; a longer one (a flood's chunk) is kept as it is. */
const COPY_BELOW_BYTES = 4 * 1024;
/** Blocks short runs are copied into start this small for a quiet service and grow fourfold, to the largest, for a chatty one. */
const FIRST_BLOCK_BYTES = 1024;
const LARGEST_BLOCK_BYTES = 64 * 1024;
/** The block of a ring that has copied nothing yet: shared, and never written (it has no room). */
const NO_BLOCK = new Uint8Array(0);

/**
 * Keeps the newest lines whose total size as `[prefix] line\n` fits `capBytes`; the newest
 * line is always kept. Output goes in as runs of whole lines (each ending in "\n") with
 * nothing done per line; lines are found and decoded only on `snapshot`.
 *
 * Each run is held as a view: a chunk-sized run is kept by reference, so a flood costs no
 * copy — the caller must not reuse its buffer afterwards (tapOutput's runs are views of
 * chunks that are never reused); a short one is copied into a small block shared with its
 * neighbours, so a chatty service does not pin one buffer per line. Dropped runs free
 * their chunks and blocks to the GC.
 *
 * The ring keeps the shortest run of newest lines that is at least `capBytes` long raw:
 * a shown line is never shorter than its raw bytes, so every line `snapshot` can show is
 * in it, and `snapshot` settles the exact set.
 */
export class LogRing {
  /** Each run as a view, oldest first from `head`. */
  private runs: Uint8Array[] = [];
  /** When each run arrived (epoch ms; NaN when not given) and whether on stderr: a stamp per read, never per line. */
  private ats: number[] = [];
  private stderr: boolean[] = [];
  private head = 0;
  /** Raw bytes of the runs from `head` on. */
  private rawBytes = 0;
  /** Where short runs are copied, and how much of it is used. */
  private block = NO_BLOCK;
  private blockUsed = 0;
  private readonly prefixBytes: number;

  /** `prefix` is what each line is shown with, e.g. `[api] `. */
  constructor(
    private readonly capBytes: number,
    private readonly prefix = "",
  ) {
    this.prefixBytes = Buffer.byteLength(prefix);
  }

  /**
   * Buffers a run of whole lines, each ending in "\n": a short run is copied, a long one kept
   * as it is. `at` and `stream` stamp every line of it.
   */
  pushLines(run: Uint8Array, at = Number.NaN, stream: "stdout" | "stderr" = "stdout"): void {
    if (run.length === 0) return;
    this.runs.push(run.length < COPY_BELOW_BYTES ? this.copy(run) : run);
    this.ats.push(at);
    this.stderr.push(stream === "stderr");
    this.rawBytes += run.length;
    this.evict();
  }

  /** The buffered lines as `[prefix] line\n`, oldest first; the last `n` when given. */
  snapshot(n = Number.POSITIVE_INFINITY): string[] {
    return this.collect(n, (line) => `${this.prefix}${decodeLine(line)}\n`);
  }

  /** The buffered lines with the time (epoch ms, NaN if not given) and stream of the read that brought each, oldest first. */
  entries(n = Number.POSITIVE_INFINITY): { at: number; stream: "stdout" | "stderr"; text: string }[] {
    return this.collect(n, (line, r) => ({ at: this.ats[r] as number, stream: this.stderr[r] ? "stderr" : "stdout", text: decodeLine(line) }));
  }

  /** The last `n` lines that fit `capBytes` as shown, each made by `make` from its bytes and run, oldest first. */
  private collect<T>(n: number, make: (line: Uint8Array, run: number) => T): T[] {
    const out: T[] = [];
    let shown = 0;
    for (let r = this.runs.length - 1; r >= this.head && out.length < n; r--) {
      const lines: Uint8Array[] = [];
      forEachLine(this.runs[r] as Uint8Array, (line) => {
        lines.push(line);
      });
      for (let i = lines.length - 1; i >= 0 && out.length < n; i--) {
        const line = lines[i] as Uint8Array;
        const size = this.prefixBytes + line.length + 1;
        if (out.length > 0 && shown + size > this.capBytes) return out.reverse();
        shown += size;
        out.push(make(line, r));
      }
    }
    return out.reverse();
  }

  /** Bytes of what `snapshot()` shows. */
  get bytes(): number {
    return this.snapshot().reduce((n, line) => n + Buffer.byteLength(line), 0);
  }

  clear(): void {
    this.runs = [];
    this.ats = [];
    this.stderr = [];
    this.head = 0;
    this.rawBytes = 0;
    this.block = NO_BLOCK;
    this.blockUsed = 0;
  }

  /** A copy of `run` in the current block, or in a new one when it does not fit. */
  private copy(run: Uint8Array): Uint8Array {
    if (this.blockUsed + run.length > this.block.length) {
      const size = Math.min(Math.max(4 * this.block.length, FIRST_BLOCK_BYTES), LARGEST_BLOCK_BYTES);
      this.block = new Uint8Array(Math.max(size, run.length));
      this.blockUsed = 0;
    }
    const copy = this.block.subarray(this.blockUsed, this.blockUsed + run.length);
    copy.set(run);
    this.blockUsed += run.length;
    return copy;
  }

  /** Drops the oldest lines while the newer ones alone are at least `capBytes` raw. */
  private evict(): void {
    while (this.runs.length - this.head > 1 && this.rawBytes - (this.runs[this.head] as Uint8Array).length >= this.capBytes) {
      this.rawBytes -= (this.runs[this.head] as Uint8Array).length;
      this.runs[this.head++] = EMPTY; // let the GC have it
    }
    if (this.head >= 1024 && this.head * 2 >= this.runs.length) {
      this.runs = this.runs.slice(this.head);
      this.ats = this.ats.slice(this.head);
      this.stderr = this.stderr.slice(this.head);
      this.head = 0;
    }
    // Now only the oldest run may hold lines to drop: those ending at or before `excess`.
    const excess = this.rawBytes - this.capBytes;
    if (excess <= 0) return;
    const oldest = this.runs[this.head] as Uint8Array;
    // Never past the run's last newline: the newest line stays.
    const keepFrom = oldest.subarray(0, Math.min(excess, oldest.length - 1)).lastIndexOf(NEWLINE) + 1;
    if (keepFrom === 0) return;
    this.runs[this.head] = oldest.subarray(keepFrom);
    this.rawBytes -= keepFrom;
  }
}

const EMPTY = new Uint8Array(0);
