/** The pure pieces of a log query: the stamp index, time bounds, the filter, the merge, the local stamp. */
import { describe, expect, test } from "bun:test";
import { CanopyError } from "../../src/errors.ts";
import { matchesFilter } from "../../src/logs/filter.ts";
import { formatLocalStamp } from "../../src/logs/local-time.ts";
import { mergeByTime } from "../../src/logs/merge.ts";
import type { LogRecord } from "../../src/logs/record.ts";
import { entryAt, firstEntryFrom, formatIndexEntry, parseStampIndex } from "../../src/logs/stamp-index.ts";
import { parseTimeBound } from "../../src/logs/time-bound.ts";

describe("stamp index", () => {
  test("an entry is one grep-able line: offset, RFC 3339 UTC to the ms, O or E", () => {
    expect(formatIndexEntry(0, "2026-12-05T03:12:00.123Z", "stdout")).toBe("0 2026-12-05T03:12:00.123Z O\n");
    expect(formatIndexEntry(40960, "2026-12-05T03:12:00.123Z", "stderr")).toBe("40960 2026-12-05T03:12:00.123Z E\n");
  });

  test("parses entries back, skipping a torn or malformed line and offsets that go backwards; a repeated offset keeps the later entry", () => {
    const text = [
      "0 2026-12-05T03:00:00.000Z O",
      "10 2026-12-05T03:00:01.000Z E",
      "garbage",
      "5 2026-12-05T03:00:02.000Z O",
      "20 2026-12-05T03:00:03.000Z O",
      "20 2026-12-05T03:00:04.000Z E",
      "30 2026-12-05T03:0", // torn by a crash
    ].join("\n");
    expect(parseStampIndex(text)).toEqual({
      offsets: [0, 10, 20],
      stamps: ["2026-12-05T03:00:00.000Z", "2026-12-05T03:00:01.000Z", "2026-12-05T03:00:04.000Z"],
      stderr: [false, true, true],
    });
  });

  test("entryAt finds the read a byte belongs to; firstEntryFrom the first read at or after (or after) a time", () => {
    const index = parseStampIndex("5 2026-12-05T03:00:00.000Z O\n10 2026-12-05T03:00:01.000Z O\n30 2026-12-05T03:00:01.000Z E\n");
    expect([0, 4, 5, 9, 10, 29, 30, 999].map((o) => entryAt(index, o))).toEqual([-1, -1, 0, 0, 1, 1, 2, 2]);
    expect(firstEntryFrom(index, "2026-12-05T03:00:00.500Z")).toBe(1);
    expect(firstEntryFrom(index, "2026-12-05T03:00:01.000Z")).toBe(1);
    expect(firstEntryFrom(index, "2026-12-05T03:00:01.000Z", false)).toBe(3);
    expect(firstEntryFrom(index, "2026-12-04T00:00:00.000Z")).toBe(0);
  });
});

describe("parseTimeBound", () => {
  const now = Date.UTC(2026, 11, 5, 3, 12, 0, 123);
  test("a duration counts back from now", () => {
    expect(parseTimeBound("10m", now, "--since")).toBe("2026-12-05T03:02:00.123Z");
    expect(parseTimeBound("2h", now, "--since")).toBe("2026-12-05T01:12:00.123Z");
    expect(parseTimeBound("1h30m", now, "--since")).toBe("2026-12-05T01:42:00.123Z");
    expect(parseTimeBound("500ms", now, "--since")).toBe("2026-12-05T03:11:59.623Z");
  });

  test("a date and time with a zone is that instant; without one it is local time", () => {
    expect(parseTimeBound("2026-12-05T03:00Z", now, "--since")).toBe("2026-12-05T03:00:00.000Z");
    expect(parseTimeBound("2026-12-05T03:00:15.25+01:00", now, "--since")).toBe("2026-12-05T02:00:15.250Z");
    expect(parseTimeBound("2026-12-05T03:00", now, "--since")).toBe(new Date(2026, 11, 5, 3, 0).toISOString());
    expect(parseTimeBound("2026-12-05 03:00:01", now, "--since")).toBe(new Date(2026, 11, 5, 3, 0, 1).toISOString());
    expect(parseTimeBound("2026-12-05", now, "--until")).toBe(new Date(2026, 11, 5).toISOString());
  });

  test("anything else is a usage error naming the flag", () => {
    for (const bad of ["", "yesterday", "10 minutes", "-5m", "2026-13-01", "2026-02-30T00:00", "2026-12-05T25:00", "2026-12-05T03:00+1"]) {
      let err: unknown;
      try {
        parseTimeBound(bad, now, "--until");
      } catch (e) {
        err = e;
      }
      expect({ bad, type: (err as CanopyError)?.error_type, named: String((err as Error)?.message).includes("--until") }).toEqual({ bad, type: "usage", named: true });
    }
  });
});

const rec = (ts: string | null, service: string, line: string, stream: LogRecord["stream"] = "stdout"): LogRecord => ({ ts, service, stream, line });

describe("matchesFilter", () => {
  const r = rec("2026-12-05T03:00:00.000Z", "api", "GET /health 200", "stderr");
  test("window bounds are inclusive; the pattern sees the text only; --stderr keeps stderr", () => {
    expect(matchesFilter({ since: "2026-12-05T03:00:00.000Z", until: "2026-12-05T03:00:00.000Z" }, r)).toBe(true);
    expect(matchesFilter({ since: "2026-12-05T03:00:00.001Z" }, r)).toBe(false);
    expect(matchesFilter({ until: "2026-12-05T02:59:59.999Z" }, r)).toBe(false);
    expect(matchesFilter({ grep: /health \d+$/ }, r)).toBe(true);
    expect(matchesFilter({ grep: /2026/ }, r)).toBe(false);
    expect(matchesFilter({ stderrOnly: true }, r)).toBe(true);
    expect(matchesFilter({ stderrOnly: true }, { ...r, stream: "stdout" })).toBe(false);
  });
  test("a line without a stamp has no time and no stream: a window or --stderr leaves it out", () => {
    const raw = rec(null, "api", "x", null);
    expect([matchesFilter({}, raw), matchesFilter({ since: "2000-01-01T00:00:00.000Z" }, raw), matchesFilter({ until: "2999-01-01T00:00:00.000Z" }, raw), matchesFilter({ stderrOnly: true }, raw)]).toEqual([true, false, false, false]);
  });
  test("a global pattern gives the same answer twice", () => {
    const f = { grep: /GET/g };
    expect([matchesFilter(f, r), matchesFilter(f, r)]).toEqual([true, true]);
  });
});

describe("mergeByTime", () => {
  test("interleaves services by stamp; equal stamps keep the services' order; unstamped lines stay after their predecessor", () => {
    const a = [rec("2026-12-05T03:00:00.001Z", "a", "a1"), rec(null, "a", "a1 raw"), rec("2026-12-05T03:00:00.005Z", "a", "a2")];
    const b = [rec("2026-12-05T03:00:00.000Z", "b", "b0"), rec("2026-12-05T03:00:00.001Z", "b", "b1"), rec("2026-12-05T03:00:00.009Z", "b", "b2")];
    expect(mergeByTime([a, b]).map((r) => r.line)).toEqual(["b0", "a1", "a1 raw", "b1", "a2", "b2"]);
    expect(mergeByTime([[], a])).toBe(a);
    expect(mergeByTime([])).toEqual([]);
  });
});

describe("formatLocalStamp", () => {
  test("shows the instant in the given zone, to the ms", () => {
    expect(formatLocalStamp("2026-12-05T03:12:00.123Z", 0)).toBe("2026-12-05 03:12:00.123");
    expect(formatLocalStamp("2026-12-05T03:12:00.123Z", 60)).toBe("2026-12-05 04:12:00.123");
    expect(formatLocalStamp("2026-12-05T03:12:00.123Z", -300)).toBe("2026-12-04 22:12:00.123");
  });
});
