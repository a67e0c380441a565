/**
 * Answers a log query from the files alone (`<service>.log`, `.log.1`, … and their stamp
 * indexes): no daemon needed, and none is slowed down — the CLI reads the files itself
 * (owner-only, and it runs as their owner).
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync } from "node:fs";
import { generationsOnDisk, indexPath, logPath } from "./file-names.ts";
import type { LogFilter } from "./filter.ts";
import { mergeByTime } from "./merge.ts";
import type { LogRecord } from "./record.ts";
import { entryAt, firstEntryFrom, parseStampIndex, type StampIndex } from "./stamp-index.ts";

export interface LogQuery {
  /** In the order lines with equal stamps are merged. */
  services: string[];
  filter: LogFilter;
  /** Only the last `tail` lines that pass. */
  tail?: number;
}

/** Bytes read at a time going forward: a scan is a few syscalls per file. */
const FORWARD_CHUNK = 8 * 1024 * 1024;
/** …and backwards, for a tail: a tail of 100 lines needs only the end of the newest file. */
const BACKWARD_CHUNK = 256 * 1024;
const NO_INDEX: StampIndex = { offsets: [], stamps: [], stderr: [] };

/** The lines of `services` in `dir` that pass the query, in time order. */
export function queryLogFiles(dir: string, query: LogQuery): LogRecord[] {
  const { filter, tail } = query;
  const lists = query.services.map((service) => {
    if (tail === undefined) return scanMatching(dir, service, filter);
    // With a start in time the scan skips what is older; without one, read back from the end.
    const lines = filter.since === undefined ? lastMatching(dir, service, filter, tail) : scanMatching(dir, service, filter);
    return lines.length > tail ? lines.slice(lines.length - tail) : lines;
  });
  const merged = mergeByTime(lists);
  return tail === undefined || merged.length <= tail ? merged : merged.slice(merged.length - tail);
}

/** One generation of a service's log. */
interface LogFile {
  path: string;
  index: StampIndex;
}

/** The service's files, newest first: `.log`, `.log.1`, … each with its index (empty when it has none). */
function filesOf(dir: string, service: string): LogFile[] {
  const older = generationsOnDisk(dir, service).sort((a, b) => a - b);
  return [0, ...older].map((g) => ({ path: logPath(dir, service, g), index: readIndex(indexPath(dir, service, g)) }));
}

function readIndex(path: string): StampIndex {
  try {
    return parseStampIndex(readFileSync(path, "latin1"));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return NO_INDEX;
    throw e;
  }
}

/** Every passing line of the service, oldest first; only the part of each file the time window can reach is read. */
function scanMatching(dir: string, service: string, filter: LogFilter): LogRecord[] {
  const wanted: LogFile[] = [];
  for (const file of filesOf(dir, service)) {
    wanted.push(file);
    // Reads are indexed in the order they arrive: older files end before this one starts.
    const first = file.index.stamps[0];
    if (filter.since !== undefined && first !== undefined && first < filter.since) break;
  }
  const out: LogRecord[] = [];
  for (const { path, index } of wanted.reverse()) {
    const fd = openOrNull(path);
    if (fd === null) continue; // rotated away meanwhile
    try {
      const size = fstatSync(fd).size;
      let from = 0;
      let to = size;
      if (filter.since !== undefined) {
        const k = firstEntryFrom(index, filter.since);
        from = k < index.offsets.length ? (index.offsets[k] as number) : size;
      }
      if (filter.until !== undefined) {
        const k = firstEntryFrom(index, filter.until, false);
        if (k < index.offsets.length) to = index.offsets[k] as number;
      }
      for (let pos = from; pos < to; ) {
        const { buf, length } = readAt(fd, pos, Math.min(FORWARD_CHUNK, to - pos));
        if (length === 0) break;
        // Whole lines only, unless a line is longer than the whole window (never written by Canopy, which cuts at 64 KiB).
        const cut = pos + length < to ? buf.lastIndexOf(0x0a, length - 1) + 1 || length : length;
        emitLines(buf, cut, pos, index, service, filter, out);
        pos += cut;
      }
    } finally {
      closeSync(fd);
    }
  }
  return out;
}

/** The last `n` passing lines of the service, oldest first, reading back from the end. */
function lastMatching(dir: string, service: string, filter: LogFilter, n: number): LogRecord[] {
  const blocks: LogRecord[][] = [];
  let found = 0;
  for (const { path, index } of filesOf(dir, service)) {
    if (found >= n) break;
    const fd = openOrNull(path);
    if (fd === null) continue;
    try {
      for (let end = fstatSync(fd).size; end > 0 && found < n; ) {
        const start = Math.max(0, end - BACKWARD_CHUNK);
        const { buf, length } = readAt(fd, start, end - start);
        if (length === 0) break;
        // Before the first newline lies the end of a line that starts further back.
        let first = start > 0 ? buf.indexOf(0x0a) + 1 : 0;
        if (first >= length) first = 0; // one line longer than the window: take the piece
        const block: LogRecord[] = [];
        emitLines(buf.subarray(first), length - first, start + first, index, service, filter, block);
        blocks.push(block);
        found += block.length;
        end = start + first;
      }
    } finally {
      closeSync(fd);
    }
  }
  return blocks.reverse().flat();
}

/**
 * Adds the passing lines of `buf[0, length)` (whole lines, the file's bytes from `offset`)
 * to `out`, each with the stamp of the read that brought it. A read's lines share one stamp
 * and stream, so the time window and `stderrOnly` skip a read without decoding it.
 */
function emitLines(buf: Buffer, length: number, offset: number, index: StampIndex, service: string, filter: LogFilter, out: LogRecord[]): void {
  const { since, until, grep, stderrOnly } = filter;
  const timed = since !== undefined || until !== undefined;
  for (let e = entryAt(index, offset), at = 0; at < length; e++) {
    const next = index.offsets[e + 1];
    const end = next === undefined ? length : Math.min(length, Math.max(at, next - offset));
    if (end <= at) continue;
    const ts = e >= 0 ? (index.stamps[e] as string) : null;
    const stream = e >= 0 ? (index.stderr[e] ? "stderr" : "stdout") : null;
    const skip =
      (stderrOnly === true && stream !== "stderr") ||
      (timed && (ts === null || (since !== undefined && ts < since) || (until !== undefined && ts > until)));
    if (!skip) {
      const text = buf.toString("utf8", at, end);
      for (let start = 0; start < text.length; ) {
        let nl = text.indexOf("\n", start);
        if (nl === -1) nl = text.length;
        const line = text.slice(start, nl);
        if (grep === undefined || grep.test(line)) out.push({ ts, service, stream, line });
        start = nl + 1;
      }
    }
    at = end;
  }
}

/** Up to `length` bytes of the file from `position` (fewer at its end). */
function readAt(fd: number, position: number, length: number): { buf: Buffer; length: number } {
  const buf = Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const r = readSync(fd, buf, got, length - got, position + got);
    if (r === 0) break;
    got += r;
  }
  return { buf, length: got };
}

function openOrNull(path: string): number | null {
  try {
    return openSync(path, "r");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
}
