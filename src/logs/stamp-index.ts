/**
 * The stamps of a log file, kept beside it (`<service>.idx` for `<service>.log`, `.idx.1` for
 * `.log.1`, …): one text line per read of a child's output, `<byte offset> <RFC 3339 UTC, ms> <O|E>`,
 * e.g. `40960 2026-12-05T03:12:00.123Z E` — the lines of the log file from that offset up to
 * the next entry's arrived at that time on stdout (O) or stderr (E). Lines before the first
 * entry have no stamp. The log file itself stays the child's bytes, one line per line. Pure: no I/O.
 */

export type OutputStream = "stdout" | "stderr";

/** One index line: where a read's lines start in the log file, when they came, and on which stream. */
export function formatIndexEntry(offset: number, iso: string, stream: OutputStream): string {
  return `${offset} ${iso} ${stream === "stderr" ? "E" : "O"}\n`;
}

/** A parsed index, as parallel arrays (offsets ascending). */
export interface StampIndex {
  offsets: number[];
  /** RFC 3339 UTC with ms. */
  stamps: string[];
  stderr: boolean[];
}

const ENTRY_RE = /^(\d+) (\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z) ([OE])$/;

/**
 * Parses an index file's text. A malformed line (a crash mid-write leaves at most a torn last
 * one) is skipped, as is an entry whose offset goes backwards.
 */
export function parseStampIndex(text: string): StampIndex {
  const index: StampIndex = { offsets: [], stamps: [], stderr: [] };
  let last = -1;
  for (const line of text.split("\n")) {
    const m = ENTRY_RE.exec(line);
    if (m === null) continue;
    const offset = Number(m[1]);
    if (offset < last) continue;
    // A later entry at the same offset describes the same lines: it wins.
    if (offset === last) {
      index.offsets.pop();
      index.stamps.pop();
      index.stderr.pop();
    }
    index.offsets.push(offset);
    index.stamps.push(m[2] as string);
    index.stderr.push(m[3] === "E");
    last = offset;
  }
  return index;
}

/** The index of the last entry at or before `offset`; -1 when `offset` lies before the first. */
export function entryAt(index: StampIndex, offset: number): number {
  let lo = 0;
  let hi = index.offsets.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((index.offsets[mid] as number) <= offset) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/**
 * The first entry stamped at or after `iso` (after it, when `inclusive` is false); `length`
 * when none is. Stamps ascend as reads arrive.
 */
export function firstEntryFrom(index: StampIndex, iso: string, inclusive = true): number {
  let lo = 0;
  let hi = index.stamps.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const stamp = index.stamps[mid] as string;
    if (stamp < iso || (!inclusive && stamp === iso)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
