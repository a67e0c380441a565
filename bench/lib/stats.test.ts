import { describe, expect, test } from "bun:test";
import { count, formatSummary, median, meets, num, summarize, table } from "./stats.ts";

describe("bench stats helpers", () => {
  test("median of odd and even counts, NaN when empty", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(Number.isNaN(median([]))).toBe(true);
  });

  test("summarize drops non-finite samples", () => {
    expect(summarize([5, Number.NaN, 1, 3])).toEqual({ median: 3, min: 1, max: 5, n: 3 });
    expect(summarize([Number.POSITIVE_INFINITY])).toBeUndefined();
  });

  test("formatting", () => {
    expect(num(1234.5)).toBe("1235");
    expect(num(12.345)).toBe("12.3");
    expect(num(1.2345)).toBe("1.23");
    expect(count(1_530_000)).toBe("1.53M");
    expect(formatSummary({ median: 12, min: 10, max: 15.5, n: 5 }, "ms")).toBe("12.0 ms (10.0–15.5, n=5)");
    expect(formatSummary({ median: 7, min: 7, max: 7, n: 1 }, "ms")).toBe("7.00 ms (n=1)");
    expect(formatSummary(undefined, "ms")).toBe("—");
  });

  test("targets and table", () => {
    expect(meets(20, { op: "<=", limit: 25 })).toBe(true);
    expect(meets(0.8, { op: ">=", limit: 0.9 })).toBe(false);
    expect(table([["a", "bb", "c"], ["ccc", "d", "e"]])).toBe("a    bb  c\nccc  d   e");
  });
});
