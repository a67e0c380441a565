/** When a failed delivery is tried again: no I/O. */

/** Longest wait between two attempts, whatever the doubling says. */
export const MAX_RETRY_DELAY_MS = 60_000;

/** The wait before retry number `retry` (1 for the first): `baseMs` doubled per retry after the first, capped. */
export function retryDelayMs(retry: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** (retry - 1), MAX_RETRY_DELAY_MS);
}

/** Every wait of a delivery allowed `retries` retries, in order. */
export function retrySchedule(retries: number, baseMs: number): number[] {
  return Array.from({ length: retries }, (_, i) => retryDelayMs(i + 1, baseMs));
}
