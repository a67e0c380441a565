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
  /** Why the kernel ended the run (an OOM kill in its cgroup): `out of memory (memory_max 256 MB)`. */
  kernel?: string;
  now: number;
  /** How long the run that just ended lasted. */
  ranForMs: number;
  /** Exit codes that count as a clean exit (`completed`, not restarted under `on-failure`); `[0]` when left out. */
  successExitCodes?: readonly number[];
  /** A run shorter than this is a failed start: retried (and counted) whatever the policy and exit code. 0 or left out: none. */
  minUptimeMs?: number;
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
 * `never` (or `on-failure` after a clean exit: a code in `successExitCodes`) ends the service, unless the run
 * was shorter than `minUptimeMs` (a failed start, retried as a crash whatever the policy); otherwise the crash is
 * counted in the sliding window, and the one that reaches `maxRestarts` gives up; below
 * it the service respawns after the backoff delay.
 */
export function decideAfterCrash(input: CrashInput): CrashDecision {
  const failedStart = input.cause === undefined && input.minUptimeMs !== undefined && input.ranForMs < input.minUptimeMs;
  const exit = describeExit(input.code, input.signal);
  const how = input.cause ? `restarted: ${input.cause}`
    : input.kernel ? `killed by the kernel: ${input.kernel}`
    : failedStart ? `${exit} after ${input.ranForMs}ms, before min_uptime ${input.minUptimeMs}ms: a failed start`
    : exit;
  const clean = input.code !== null && input.signal === undefined && (input.successExitCodes ?? [0]).includes(input.code);
  if (!failedStart && (input.policy === "never" || (input.policy === "on-failure" && clean))) {
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
