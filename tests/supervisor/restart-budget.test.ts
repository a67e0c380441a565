// RestartBudget (pure): the sliding window of crash times.
import { describe, expect, test } from "bun:test";
import { RestartBudget } from "../../src/supervisor/restart-budget.ts";

describe("RestartBudget", () => {
  test("record returns the crashes inside the window ending now", () => {
    const b = new RestartBudget();
    expect([b.record(0, 1500), b.record(1000, 1500), b.record(2000, 1500)]).toEqual([1, 2, 2]);
  });

  test("a crash exactly windowMs old has left the window", () => {
    const b = new RestartBudget();
    b.record(1000, 500);
    expect(b.countAt(1499, 500)).toBe(1);
    expect(b.countAt(1500, 500)).toBe(0);
  });

  test("countAt prunes what fell out; count reports without pruning", () => {
    const b = new RestartBudget();
    b.record(0, 10_000);
    b.record(100, 10_000);
    b.record(5000, 10_000);
    expect(b.count).toBe(3);
    expect(b.countAt(10_050, 10_000)).toBe(2); // the crash at 0 is out, the one at 100 is in
    expect(b.count).toBe(2);
    expect(b.countAt(20_000, 10_000)).toBe(0);
    expect(b.count).toBe(0);
  });

  test("reset forgets every crash", () => {
    const b = new RestartBudget();
    b.record(0, 60_000);
    b.record(1, 60_000);
    b.reset();
    expect(b.count).toBe(0);
    expect(b.record(2, 60_000)).toBe(1);
  });
});
