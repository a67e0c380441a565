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

  push(chunk: Uint8Array): void {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(NEWLINE, start);
      const end = nl === -1 ? chunk.length : nl;
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
