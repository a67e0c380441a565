/** Exponential restart backoff with jitter, reset after a long enough healthy run. Pure: no I/O. */

export interface BackoffPolicy {
  /** The first delay. */
  baseMs: number;
  /** The cap the doubling stops at. */
  maxMs: number;
  /** A run at least this long counts as healthy and resets the doubling. */
  resetAfterMs: number;
}

/**
 * The delay before respawn number `consecutive` (1 = the first crash of a streak):
 * base × 2^(consecutive−1), capped at max, then spread by ±10% with `random` so a fleet
 * that crashed together does not restart in lockstep. A zero base stays zero.
 */
export function backoffDelay(policy: BackoffPolicy, consecutive: number, random: () => number): number {
  if (policy.baseMs <= 0) return 0;
  const exponent = Math.min(Math.max(consecutive - 1, 0), 30);
  const raw = Math.min(policy.baseMs * 2 ** exponent, Math.max(policy.maxMs, policy.baseMs));
  const jitter = 1 + (random() * 2 - 1) * 0.1;
  return Math.max(0, Math.round(raw * jitter));
}

/** The streak length after a crash: reset to 1 when the run that just ended was healthy. */
export function nextStreak(previous: number, ranForMs: number, policy: BackoffPolicy): number {
  return ranForMs >= policy.resetAfterMs ? 1 : previous + 1;
}
