/** Splits a byte stream into runs of whole lines, bounded in memory. Pure: no I/O. */

const NEWLINE = 0x0a;

/** Longest line kept whole; a longer one is emitted in pieces of this size. */
export const MAX_LINE_BYTES = 64 * 1024;

/**
 * Cuts a byte stream into runs of complete lines: each run holds one or more lines, each
 * ending in "\n". The lines that lie whole inside a chunk go on as one view of it, so a
 * flood costs a couple of native scans per chunk, not work per line. A line that grows
 * past `maxLineBytes` is cut at a UTF-8 character boundary and each piece gets its own
 * newline, so a newline-less flood holds at most `maxLineBytes` here. Newline bytes never
 * occur inside a multi-byte UTF-8 sequence, so splitting on 0x0a is safe before decoding.
 */
export class LineSplitter {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;

  constructor(
    private readonly onLines: (run: Uint8Array) => void,
    private readonly maxLineBytes = MAX_LINE_BYTES,
  ) {}

  /** Feeds a chunk. A run may be a view of it: valid for as long as the caller leaves the chunk unchanged. */
  push(chunk: Uint8Array): void {
    let start = 0;
    if (this.pendingBytes > 0) {
      const nl = chunk.indexOf(NEWLINE);
      if (nl === -1) {
        this.append(chunk);
        return;
      }
      this.append(chunk.subarray(0, nl));
      this.emitPending();
      start = nl + 1;
    }
    const last = chunk.lastIndexOf(NEWLINE);
    if (last >= start) {
      this.emitCuttingLongLines(chunk.subarray(start, last + 1));
      start = last + 1;
    }
    if (start < chunk.length) this.append(chunk.subarray(start));
  }

  /** Emits a trailing partial line, if any (the stream closed). */
  flush(): void {
    if (this.pendingBytes > 0) this.emitPending();
  }

  /**
   * Emits `run`, cutting the lines in it that are longer than the limit. It steps a limit's
   * length at a time, to the last newline within reach, so a run of short lines costs a
   * scan or two per 64 KiB, not one per line.
   */
  private emitCuttingLongLines(run: Uint8Array): void {
    const max = this.maxLineBytes;
    let from = 0; // start of the lines not yet emitted
    // Every line from `start` on that ends within the limit is fine; the last one always does when `start + max` reaches it.
    for (let start = 0; start + max < run.length - 1; ) {
      const nl = run.lastIndexOf(NEWLINE, start + max);
      if (nl >= start) {
        start = nl + 1;
        continue;
      }
      // No newline within the limit: the line at `start` is too long.
      const end = run.indexOf(NEWLINE, start + max);
      if (start > from) this.onLines(run.subarray(from, start));
      this.append(run.subarray(start, end));
      this.emitPending();
      from = start = end + 1;
    }
    if (from < run.length) this.onLines(run.subarray(from));
  }

  private append(bytes: Uint8Array): void {
    let rest = bytes;
    while (this.pendingBytes + rest.length > this.maxLineBytes) {
      const room = this.maxLineBytes - this.pendingBytes;
      const cut = utf8BoundaryAtOrBefore(rest, room, this.pendingBytes === 0);
      // No boundary in `rest`: the character at the limit may have begun in `pending`.
      if (cut === 0 && this.pendingBytes > 0 && this.carryIncompleteTail()) continue;
      this.pending.push(rest.subarray(0, cut));
      this.pendingBytes += cut;
      rest = rest.subarray(cut);
      this.emitPending();
    }
    if (rest.length > 0) {
      // Copy: the caller may reuse its chunk buffer.
      this.pending.push(rest.slice());
      this.pendingBytes += rest.length;
    }
  }

  /** Emits `pending` up to a character it ends inside of, keeping that start; false if none. */
  private carryIncompleteTail(): boolean {
    const line = concat(this.pending, this.pendingBytes);
    const start = incompleteTailStart(line);
    if (start === 0 || start === line.length) return false;
    this.pending = [line.subarray(0, start)];
    this.pendingBytes = start;
    this.emitPending();
    this.pending = [line.slice(start)];
    this.pendingBytes = line.length - start;
    return true;
  }

  /** Emits what is pending as one line, its newline added. */
  private emitPending(): void {
    const run = concat(this.pending, this.pendingBytes, 1);
    run[this.pendingBytes] = NEWLINE;
    this.pending = [];
    this.pendingBytes = 0;
    this.onLines(run);
  }
}

/**
 * Calls `fn` with each line of `run` (whole lines, each ending in "\n") without its newline:
 * views of `run`. Stops early when `fn` returns false.
 */
export function forEachLine(run: Uint8Array, fn: (line: Uint8Array) => boolean | void): void {
  for (let start = 0; start < run.length; ) {
    let nl = run.indexOf(NEWLINE, start);
    if (nl === -1) nl = run.length;
    if (fn(run.subarray(start, nl)) === false) return;
    start = nl + 1;
  }
}

/** Largest index ≤ `limit` that does not split a UTF-8 sequence (at least 1 when `mustProgress`). */
function utf8BoundaryAtOrBefore(bytes: Uint8Array, limit: number, mustProgress: boolean): number {
  let cut = Math.min(limit, bytes.length);
  // Step back over continuation bytes (10xxxxxx), at most 3.
  for (let i = 0; i < 3 && cut > 0 && cut < bytes.length && ((bytes[cut] ?? 0) & 0xc0) === 0x80; i++) cut--;
  if (cut === 0 && mustProgress) return Math.min(limit, bytes.length) || 1;
  return cut;
}

/** Where a UTF-8 sequence left incomplete at the end of `bytes` starts (`bytes.length` if none). */
function incompleteTailStart(bytes: Uint8Array): number {
  for (let i = bytes.length - 1, seen = 1; i >= 0 && seen <= 4; i--, seen++) {
    const b = bytes[i] ?? 0;
    if ((b & 0xc0) === 0x80) continue;
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > seen ? i : bytes.length;
  }
  return bytes.length;
}

/** `parts` joined (`total` bytes), with `spare` bytes of room after them; the one part itself when it needs no room. */
function concat(parts: Uint8Array[], total: number, spare = 0): Uint8Array {
  if (parts.length === 1 && spare === 0) return parts[0] as Uint8Array;
  const out = new Uint8Array(total + spare);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
