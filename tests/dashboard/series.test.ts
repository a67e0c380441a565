import { expect, test } from "bun:test";
import { addSample, chartMax, createSeries, MAX_POINTS, sparkPath } from "../../src/dashboard/page/series.ts";

test("one point per sample until MAX_POINTS, then pairs are averaged: the whole time stays drawn, in bounded memory", () => {
  const s = createSeries();
  for (let i = 0; i < MAX_POINTS; i++) addSample(s, i);
  expect(s.points.length).toBe(MAX_POINTS);
  addSample(s, MAX_POINTS);
  expect(s.samplesPerPoint).toBe(2);
  expect(s.points.length).toBe((MAX_POINTS + 1 - 1) / 2);
  expect(s.points[0]).toBe(0.5);
  // The odd sample left over waits for its pair: the next sample completes it.
  addSample(s, MAX_POINTS + 1);
  expect(s.points.at(-1)).toBe(MAX_POINTS + 0.5);
  for (let i = 0; i < 10 * MAX_POINTS; i++) addSample(s, 1);
  expect(s.points.length).toBeLessThanOrEqual(MAX_POINTS);
});

test("sparkPath scales values into the box, y downward, clamped; area closes along the bottom", () => {
  expect(sparkPath([0, 50, 100], 100, 10, 100)).toBe("M0,10L50,5L100,0");
  expect(sparkPath([0, 200], 100, 10, 100)).toBe("M0,10L100,0");
  expect(sparkPath([5], 100, 10, 10)).toBe("M0,5L100,5");
  expect(sparkPath([0, 100], 100, 10, 100, true)).toBe("M0,10L100,0L100,10L0,10Z");
  expect(sparkPath([], 100, 10, 100)).toBe("");
});

test("chartMax never goes below its floor", () => {
  expect(chartMax([0.1, 0.2], 5)).toBe(5);
  expect(chartMax([7, 3], 5)).toBe(7);
  expect(chartMax([], 5)).toBe(5);
});
