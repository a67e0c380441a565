import { describe, expect, test } from "bun:test";
import { type CrashInput, decideAfterCrash } from "../../src/supervisor/crash-decision.ts";
import { RestartBudget } from "../../src/supervisor/restart-budget.ts";

const input = (over: Partial<CrashInput> = {}): CrashInput => ({
  policy: "always",
  code: 1,
  signal: undefined,
  now: 1_000_000,
  ranForMs: 500,
  windowMs: 60_000,
  maxRestarts: 3,
  budget: new RestartBudget(),
  streak: 0,
  backoff: { baseMs: 100, maxMs: 1_000, resetAfterMs: 60_000 },
  random: () => 0.5, // no jitter
  ...over,
});

describe("decideAfterCrash", () => {
  test("policy never: a failure is final and crashed, a clean exit completed; nothing is counted", () => {
    const budget = new RestartBudget();
    expect(decideAfterCrash(input({ policy: "never", budget }))).toEqual({
      kind: "final",
      status: "crashed",
      how: "exited with code 1",
      notice: 'exited with code 1; restart policy "never", not restarting',
    });
    expect(decideAfterCrash(input({ policy: "on-failure", code: 0 }))).toMatchObject({ kind: "final", status: "completed" });
    expect(budget.count).toBe(0);
  });

  test("respawns with a doubling delay until the crash that reaches maxRestarts gives up", () => {
    const budget = new RestartBudget();
    const first = decideAfterCrash(input({ budget }));
    expect(first).toEqual({
      kind: "respawn",
      crashes: 1,
      streak: 1,
      delayMs: 100,
      how: "exited with code 1",
      notice: "exited with code 1; restarting in 100ms (crash 1 of 3 allowed within 60000ms)",
    });
    const second = decideAfterCrash(input({ budget, streak: 1, now: 1_000_100 }));
    expect(second).toMatchObject({ kind: "respawn", crashes: 2, streak: 2, delayMs: 200 });
    expect(decideAfterCrash(input({ budget, streak: 2, now: 1_000_300 }))).toMatchObject({ kind: "give_up", crashes: 3 });
  });

  test("a healthy run resets the streak; a signal death and a liveness cause are named", () => {
    expect(decideAfterCrash(input({ streak: 4, ranForMs: 60_000 }))).toMatchObject({ streak: 1, delayMs: 100 });
    expect(decideAfterCrash(input({ code: 137, signal: "SIGKILL" })).how).toBe("killed by SIGKILL");
    expect(decideAfterCrash(input({ cause: "liveness probe failed 3 times in a row (HTTP 503)" })).how).toBe(
      "restarted: liveness probe failed 3 times in a row (HTTP 503)",
    );
  });
});
