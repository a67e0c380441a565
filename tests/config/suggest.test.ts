import { describe, expect, test } from "bun:test";
import { closestKey, editDistance } from "../../src/config/suggest.ts";

const KEYS = ["cmd", "cwd", "restart", "restart_delay", "restart_window", "max_restarts", "stop_signal"];

describe("editDistance", () => {
  test.each([
    ["", "", 0],
    ["abc", "abc", 0],
    ["abc", "", 3],
    ["kitten", "sitting", 3],
    ["restrat", "restart", 2],
  ] as const)("%p ↔ %p = %p", (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe("closestKey", () => {
  test.each([
    ["restart_dealy", "restart_delay"],
    ["cmdd", "cmd"],
    ["maxRestarts", "max_restarts"],
    ["stop-signal", "stop_signal"],
    ["Restart", "restart"],
  ] as const)("%p → %p", (typo, known) => {
    expect(closestKey(typo, KEYS)).toBe(known);
  });

  test("nothing within distance 2 → undefined", () => {
    expect(closestKey("command", KEYS)).toBeUndefined();
    expect(closestKey("xyz", KEYS)).toBeUndefined();
  });
});
