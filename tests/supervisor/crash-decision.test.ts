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

  test("successExitCodes: under on-failure and never, an exit with a listed code is completed, not restarted", () => {
    const budget = new RestartBudget();
    const listed = decideAfterCrash(input({ policy: "on-failure", code: 2, successExitCodes: [0, 2], budget }));
    expect(listed).toEqual({ kind: "final", status: "completed", how: "exited with code 2", notice: 'exited with code 2; restart policy "on-failure", not restarting' });
    expect(decideAfterCrash(input({ policy: "never", code: 2, successExitCodes: [0, 2] }))).toMatchObject({ kind: "final", status: "completed" });
    expect(decideAfterCrash(input({ policy: "on-failure", code: 0, successExitCodes: [2] }))).toMatchObject({ kind: "respawn" });
    expect(decideAfterCrash(input({ policy: "on-failure", code: 3, successExitCodes: [0, 2], budget }))).toMatchObject({ kind: "respawn" });
    expect(decideAfterCrash(input({ policy: "on-failure", code: 2, signal: "SIGTERM", successExitCodes: [2] }))).toMatchObject({ kind: "respawn" });
    expect(budget.count).toBe(1);
  });

  test("minUptimeMs: an exit sooner is a failed start, retried and counted whatever the policy and code; later exits as before", () => {
    const early = decideAfterCrash(input({ policy: "never", code: 0, ranForMs: 300, minUptimeMs: 1_000 }));
    expect(early).toMatchObject({ kind: "respawn", crashes: 1, how: "exited with code 0 after 300ms, before min_uptime 1000ms: a failed start" });
    expect(decideAfterCrash(input({ policy: "never", code: 0, ranForMs: 1_000, minUptimeMs: 1_000 }))).toMatchObject({ kind: "final", status: "completed" });
    const budget = new RestartBudget();
    const last = [1, 2, 3].map(() => decideAfterCrash(input({ policy: "on-failure", code: 0, ranForMs: 10, minUptimeMs: 1_000, budget }))).at(-1);
    expect(last).toMatchObject({ kind: "give_up", crashes: 3 });
    expect(decideAfterCrash(input({ cause: "liveness probe failed", ranForMs: 10, minUptimeMs: 1_000 })).how).toBe("restarted: liveness probe failed");
  });
});
