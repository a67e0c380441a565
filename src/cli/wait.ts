/** Polling with a deadline, for conditions that have no event to await. */

/** Polls `check` every `intervalMs` until it is true (→ true) or `timeoutMs` passes (→ false). */
export async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs: number, intervalMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await Bun.sleep(intervalMs);
  }
}
