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
    const literal = grep === undefined ? undefined : literalOf(grep);
    if (!skip && literal !== undefined) {
      for (const line of linesContaining(buf, at, end, literal)) out.push({ ts, service, stream, line });
    } else if (!skip) {
      const text = buf.toString("utf8", at, end);
      if (grep === undefined) {
        for (let start = 0; start < text.length; ) {
          let nl = text.indexOf("\n", start);
          if (nl === -1) nl = text.length;
          out.push({ ts, service, stream, line: text.slice(start, nl) });
          start = nl + 1;
        }
      } else {
        for (const line of matchingLines(text, grep)) out.push({ ts, service, stream, line });
      }
    }
    at = end;
  }
}

const scanners = new WeakMap<RegExp, RegExp>();
const literals = new WeakMap<RegExp, Buffer | null>();

/** The UTF-8 bytes of a pattern that is plain text (no special character, no flag), else undefined. */
function literalOf(grep: RegExp): Buffer | undefined {
  let bytes = literals.get(grep);
  if (bytes === undefined) {
    bytes = grep.flags === "" && /^[^\\^$.*+?()[\]{}|]+$/.test(grep.source) ? Buffer.from(grep.source) : null;
    literals.set(grep, bytes);
  }
  return bytes ?? undefined;
}

/**
 * The lines of `buf[from, to)` (whole lines) that contain `literal`, found in the bytes: only
 * those lines are decoded. The literal has no newline, so no match spans two lines.
 */
function* linesContaining(buf: Buffer, from: number, to: number, literal: Buffer): Generator<string> {
  for (let pos = buf.indexOf(literal, from); pos !== -1 && pos + literal.length <= to; ) {
    const start = pos === from ? from : Math.max(from, buf.lastIndexOf(0x0a, pos - 1) + 1);
    let end = buf.indexOf(0x0a, pos);
    if (end === -1 || end > to) end = to;
    yield buf.toString("utf8", start, end);
    if (end >= to) return;
    pos = buf.indexOf(literal, end + 1);
  }
}
let encoder: TextEncoder | undefined;
let decoder: TextDecoder | undefined;

/**
 * A copy of `line` that does not hold on to the block it was cut from: a slice keeps its
 * whole block (about 120 KB per read in a flood) alive, and a few hundred matches kept that
 * way made the garbage collector, not the scan, the cost of a 100 MB query.
 */
function detached(line: string): string {
  // The codecs are made at first use: a daemon that never answers a query never needs them.
  encoder ??= new TextEncoder();
  decoder ??= new TextDecoder();
  return decoder.decode(encoder.encode(line));
}

/**
 * The lines of `text` that `grep` matches. The pattern runs over the whole block (native
 * code, no work per line that does not match); each line a match starts in is then tested
 * alone, so a match that spans lines counts for none of them, as when every line is tested.
 */
function* matchingLines(text: string, grep: RegExp): Generator<string> {
  let scan = scanners.get(grep);
  if (scan === undefined) {
    scan = new RegExp(grep.source, `${grep.flags.replace(/[gym]/g, "")}gm`);
    scanners.set(grep, scan);
  }
  scan.lastIndex = 0;
  for (let m = scan.exec(text); m !== null; m = scan.exec(text)) {
    const start = m.index === 0 ? 0 : text.lastIndexOf("\n", m.index - 1) + 1;
    let end = text.indexOf("\n", m.index);
    if (end === -1) end = text.length;
    const line = text.slice(start, end);
    grep.lastIndex = 0;
    if (grep.test(line)) yield detached(line);
    if (end >= text.length) return;
    scan.lastIndex = end + 1;
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
