import { describe, expect, test } from "bun:test";
import { isUnjudged, renderTargets, verdict } from "./report.ts";
import { compareRow } from "./targets.ts";

describe("compareRow", () => {
  test("a ratio of medians, judged against its limit", () => {
    const row = compareRow({ scenario: "8 cold start vs hello", canopy: [26, 30, 28], anchor: [20, 21, 19], anchorName: "compiled hello", kind: "ratio", target: { op: "<=", limit: 1.3 } });
    expect(row).toMatchObject({ tool: "canopy", unit: "×", samples: [1.4], target: { op: "<=", limit: 1.3, text: "≤ 1.3× compiled hello" } });
    expect(verdict(row)).toBe("FAIL");
    expect(verdict(compareRow({ scenario: "s", canopy: [2], anchor: [1], anchorName: "x", kind: "ratio", target: { op: ">=", limit: 1.2 } }))).toBe("PASS");
  });

  test("paired: the median of per-rep ratios, so a load that comes and goes between reps cancels", () => {
    // The two medians come from different reps (26 from rep 1, 21 from rep 3): their ratio says 1.24.
    const row = compareRow({ scenario: "s", canopy: [26, 40, 24], anchor: [20, 35, 21], anchorName: "hello", kind: "ratio", target: { op: "<=", limit: 1.2 }, paired: true });
    expect(row.samples[0]).toBeCloseTo(40 / 35);
    expect(verdict(row)).toBe("PASS");
    expect(verdict(compareRow({ scenario: "s", canopy: [26, 40, 24], anchor: [20, 35, 21], anchorName: "hello", kind: "ratio", target: { op: "<=", limit: 1.2 } }))).toBe("FAIL");
  });

  test("a difference of medians in the row's unit", () => {
    const row = compareRow({ scenario: "2 RSS vs floor", canopy: [31, 31.5], anchor: [29.5], anchorName: "floor", kind: "difference", unit: "MiB", target: { op: "<=", limit: 2 } });
    expect(row.samples[0]).toBeCloseTo(1.75);
    expect(row.target?.text).toBe("≤ floor + 2 MiB");
    expect(verdict(row)).toBe("PASS");
  });

  test("without the anchor: no verdict, a row that says what is missing, still listed with the targets", () => {
    const row = compareRow({ scenario: "6 vs supervisord", canopy: [5], anchor: [], anchorName: "supervisord", kind: "ratio", target: { op: ">=", limit: 1.2 }, missing: "run with --vs supervisord" });
    expect(verdict(row)).toBe("");
    expect(isUnjudged(row)).toBe(true);
    expect(row.text).toBe("n/a: no supervisord sample (run with --vs supervisord)");
    expect(renderTargets([row])).toContain("n/a: no supervisord sample");
  });
});
