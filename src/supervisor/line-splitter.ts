/** Splits a byte stream into lines, bounded in memory. Pure: no I/O. */

const NEWLINE = 0x0a;

/** Longest line kept whole; a longer one is emitted in pieces of this size. */
export const MAX_LINE_BYTES = 64 * 1024;

/**
 * Joins chunks into lines (without the newline). A line that grows past `maxLineBytes`
 * without a newline is cut at a UTF-8 character boundary, so a newline-less flood
 * holds at most `maxLineBytes` here. Newline bytes never occur inside a multi-byte
 * UTF-8 sequence, so splitting on 0x0a is safe before decoding.
 */
export class LineSplitter {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;

  constructor(
    private readonly onLine: (line: Uint8Array) => void,
    private readonly maxLineBytes = MAX_LINE_BYTES,
  ) {}

  /**
   * Feeds a chunk. Lines that lie whole inside it are passed as views of it (no copy):
   * a line is only valid during the `onLine` call — copy it to keep it.
   */
  push(chunk: Uint8Array): void {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(NEWLINE, start);
      const end = nl === -1 ? chunk.length : nl;
      if (nl !== -1 && this.pendingBytes === 0 && end - start <= this.maxLineBytes) {
        this.onLine(chunk.subarray(start, end));
        start = nl + 1;
        continue;
      }
      this.append(chunk.subarray(start, end));
      if (nl === -1) return;
      this.emitPending();
      start = nl + 1;
    }
  }

  /** Emits a trailing partial line, if any (the stream closed). */
  flush(): void {
    if (this.pendingBytes > 0) this.emitPending();
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

  private emitPending(): void {
    const line = concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.onLine(line);
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

function concat(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
