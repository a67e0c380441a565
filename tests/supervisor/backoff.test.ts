/** The restart delay: doubling from the base, capped, spread by ±10% jitter, reset by a healthy run. */
import { describe, expect, test } from "bun:test";
import { type BackoffPolicy, backoffDelay, nextStreak } from "../../src/supervisor/backoff.ts";

const policy: BackoffPolicy = { baseMs: 100, maxMs: 30_000, resetAfterMs: 60_000 };
const middle = () => 0.5; // no jitter: 1 + (0.5 * 2 - 1) * 0.1 = 1

describe("backoffDelay", () => {
  test("doubles with each crash of a streak, starting at the base", () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(policy, n, middle))).toEqual([100, 200, 400, 800, 1600, 3200]);
  });

  test("stops growing at the cap", () => {
    const capped = { ...policy, maxMs: 1000 };
    expect([3, 4, 5, 10, 100].map((n) => backoffDelay(capped, n, middle))).toEqual([400, 800, 1000, 1000, 1000]);
    // A huge streak does not overflow into Infinity or NaN.
    expect(backoffDelay(capped, 10_000, middle)).toBe(1000);
  });

  test("a cap below the base means the base", () => {
    expect(backoffDelay({ ...policy, baseMs: 500, maxMs: 100 }, 5, middle)).toBe(500);
  });

  test("a streak of 0 or less is treated as the first crash", () => {
    expect(backoffDelay(policy, 0, middle)).toBe(100);
    expect(backoffDelay(policy, -3, middle)).toBe(100);
  });

  test("jitter stays within ±10% of the nominal delay, at both ends and in between", () => {
    expect(backoffDelay(policy, 3, () => 0)).toBe(360);
    expect(backoffDelay(policy, 3, () => 0.999999)).toBe(440);
    for (let i = 0; i < 200; i++) {
      const d = backoffDelay(policy, 4, Math.random);
      expect(d).toBeGreaterThanOrEqual(720);
      expect(d).toBeLessThanOrEqual(880);
    }
    // The cap is jittered too: a fleet at the cap does not restart in lockstep.
    const capped = { ...policy, maxMs: 1000 };
    expect(backoffDelay(capped, 20, () => 0)).toBe(900);
    expect(backoffDelay(capped, 20, () => 0.999999)).toBe(1100);
  });

  test("jitter keeps successive delays growing: the lowest of one step exceeds the highest of the one before", () => {
    for (let n = 1; n < 8; n++) {
      expect(backoffDelay(policy, n + 1, () => 0)).toBeGreaterThan(backoffDelay(policy, n, () => 0.999999));
    }
  });

  test("a zero base stays zero (no delay at all)", () => {
    expect(backoffDelay({ ...policy, baseMs: 0 }, 7, () => 0.9)).toBe(0);
  });
});

describe("nextStreak", () => {
  test("a crash soon after the start extends the streak", () => {
    expect(nextStreak(0, 10, policy)).toBe(1);
    expect(nextStreak(1, 59_999, policy)).toBe(2);
    expect(nextStreak(7, 0, policy)).toBe(8);
  });

  test("a run at least restart_reset_after long resets the streak to the first crash", () => {
    expect(nextStreak(7, 60_000, policy)).toBe(1);
    expect(nextStreak(3, 3_600_000, policy)).toBe(1);
  });

  test("crash loop, one healthy run, crash loop: the delay grows, drops back to the base, grows again", () => {
    const short = { ...policy, resetAfterMs: 1000 };
    const runs = [10, 10, 10, 5000, 10, 10];
    let streak = 0;
    const delays = runs.map((ran) => {
      streak = nextStreak(streak, ran, short);
      return backoffDelay(short, streak, middle);
    });
    expect(delays).toEqual([100, 200, 400, 100, 200, 400]);
  });
});
