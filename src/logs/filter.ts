/** Which log lines a query keeps: a time window, a stream, a pattern. Pure: no I/O. */
import type { LogRecord } from "./record.ts";

export interface LogFilter {
  /** RFC 3339 UTC with ms, inclusive: lines stamped at or after. */
  since?: string;
  /** …and at or before. */
  until?: string;
  /** Tested against the line's text (not its stamp). */
  grep?: RegExp;
  /** Only stderr lines. */
  stderrOnly?: boolean;
}

/**
 * Whether `record` passes. A line without a stamp (written with `logs.timestamps: false`)
 * has no time, so a time window leaves it out; it has no stream either, so `stderrOnly` does too.
 */
export function matchesFilter(filter: LogFilter, record: LogRecord): boolean {
  if (filter.stderrOnly && record.stream !== "stderr") return false;
  if (filter.since !== undefined && (record.ts === null || record.ts < filter.since)) return false;
  if (filter.until !== undefined && (record.ts === null || record.ts > filter.until)) return false;
  if (filter.grep !== undefined) {
    filter.grep.lastIndex = 0;
    if (!filter.grep.test(record.line)) return false;
  }
  return true;
}
