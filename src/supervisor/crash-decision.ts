/** What an exit nobody asked for leads to: complete, give up, or respawn after a delay. Pure: no I/O. */
import { type BackoffPolicy, backoffDelay, nextStreak } from "./backoff.ts";
import type { RestartBudget } from "./restart-budget.ts";
import type { RestartPolicy } from "./types.ts";

export interface CrashInput {
  policy: RestartPolicy;
  code: number | null;
  signal: string | undefined;
  /** Why the run ended when the child did not end it (a liveness failure). */
  cause?: string;
  now: number;
  /** How long the run that just ended lasted. */
  ranForMs: number;
  windowMs: number;
  maxRestarts: number;
  /** Crash times in the window; `decideAfterCrash` records this crash in it. */
  budget: RestartBudget;
  /** Crashes in a row before this one. */
  streak: number;
  backoff: BackoffPolicy;
  random: () => number;
}

/** The outcome, with the words that explain it (`how`) and the notice to print. */
export type CrashDecision =
  | { kind: "final"; status: "completed" | "crashed"; how: string; notice: string }
  | { kind: "give_up"; crashes: number; how: string; notice: string }
  | { kind: "respawn"; crashes: number; streak: number; delayMs: number; how: string; notice: string };

/**
 * `never` (or `on-failure` after a clean exit) ends the service; otherwise the crash is
 * counted in the sliding window, and the one that reaches `maxRestarts` gives up; below
 * it the service respawns after the backoff delay.
 */
export function decideAfterCrash(input: CrashInput): CrashDecision {
  const how = input.cause ? `restarted: ${input.cause}` : describeExit(input.code, input.signal);
  const clean = input.code === 0 && input.signal === undefined;
  if (input.policy === "never" || (input.policy === "on-failure" && clean)) {
    return {
      kind: "final",
      status: clean ? "completed" : "crashed",
      how,
      notice: `${how}; restart policy "${input.policy}", not restarting`,
    };
  }
  const crashes = input.budget.record(input.now, input.windowMs);
  if (crashes >= input.maxRestarts) {
    return {
      kind: "give_up",
      crashes,
      how,
      notice: `${how}; ${crashes} crashes within ${input.windowMs}ms, giving up (start it again to retry)`,
    };
  }
  const streak = nextStreak(input.streak, input.ranForMs, input.backoff);
  const delayMs = backoffDelay(input.backoff, streak, input.random);
  return {
    kind: "respawn",
    crashes,
    streak,
    delayMs,
    how,
    notice: `${how}; restarting in ${delayMs}ms (crash ${crashes} of ${input.maxRestarts} allowed within ${input.windowMs}ms)`,
  };
}

/** "exited with code 1" / "killed by SIGKILL". */
export function describeExit(code: number | null, signal: string | undefined): string {
  if (signal) return `killed by ${signal}`;
  return code === null ? "exited" : `exited with code ${code}`;
}
