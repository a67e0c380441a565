import { expect, test } from "bun:test";
import { peakOf, sparkline } from "../../../src/cli/top/sparkline.ts";

test("one character per sample when the width allows, scaled to max, newest at the right", () => {
  expect(sparkline([0, 25, 50, 100], 4, 100, 4)).toBe("▁▃▅█");
});

test("a wider window folds into buckets by their peak; missing samples are gaps", () => {
  expect(sparkline([0, 100, 0, 0, 50, 0], 3, 100, 6)).toBe("█▁▅");
  expect(sparkline([null, null, 10], 3, 10, 3)).toBe("  █");
  expect(sparkline([], 4, 100)).toBe("    ");
});

test("values above max draw full, zero and a zero max draw the lowest bar", () => {
  expect(sparkline([250], 1, 100, 1)).toBe("█");
  expect(sparkline([5], 1, 0, 1)).toBe("▁");
  expect(sparkline([0], 1, 100, 1)).toBe("▁");
});

test("a steady value draws the same line second after second (an idle screen stays still)", () => {
  const samples = Array.from({ length: 60 }, () => 40e6);
  expect(sparkline(samples, 12, peakOf(samples))).toBe(sparkline([...samples.slice(1), 40e6], 12, peakOf(samples)));
  expect(peakOf([null, 3, 7, null])).toBe(7);
});
