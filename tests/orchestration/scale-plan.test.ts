/** scale-plan.ts: what a scale stops, starts and keeps, and the order of a rolling restart. */
import { expect, test } from "bun:test";
import { planScale, rollingOrder } from "../../src/orchestration/scale-plan.ts";

test("scaling up starts the missing replicas in order and keeps the rest", () => {
  expect(planScale("web", 3, 5)).toEqual({ service: "web", from: 3, to: 5, stop: [], start: ["web.4", "web.5"], keep: ["web.1", "web.2", "web.3"] });
});

test("scaling down stops the highest-numbered first", () => {
  expect(planScale("web", 5, 2)).toEqual({ service: "web", from: 5, to: 2, stop: ["web.5", "web.4", "web.3"], start: [], keep: ["web.1", "web.2"] });
});

test("crossing between one copy and more renames the first: plain web stops, web.1 … start (and back)", () => {
  expect(planScale("web", 1, 3)).toMatchObject({ stop: ["web"], start: ["web.1", "web.2", "web.3"], keep: [] });
  expect(planScale("web", 3, 1)).toMatchObject({ stop: ["web.3", "web.2", "web.1"], start: ["web"], keep: [] });
});

test("the same count changes nothing", () => {
  expect(planScale("web", 2, 2)).toMatchObject({ stop: [], start: [], keep: ["web.1", "web.2"] });
  expect(planScale("web", 1, 1)).toMatchObject({ stop: [], start: [], keep: ["web"] });
});

test("a rolling restart goes lowest-numbered first, by number not by text", () => {
  expect(rollingOrder(["web.10", "web.2", "web.1"])).toEqual(["web.1", "web.2", "web.10"]);
  expect(rollingOrder(["web"])).toEqual(["web"]);
});
