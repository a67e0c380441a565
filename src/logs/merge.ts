/** Merges services' logs into one in time order. Pure: no I/O. */
import type { LogRecord } from "./record.ts";

/**
 * Merges `lists` (each one service's lines, oldest first) by stamp; equal stamps keep the
 * order of `lists`, then of each list. A line without a stamp sorts with the stamped line
 * before it in its own list (it was written after that one), or first when none is.
 */
export function mergeByTime(lists: LogRecord[][]): LogRecord[] {
  const live = lists.filter((l) => l.length > 0);
  if (live.length === 1) return live[0] as LogRecord[];
  const out: LogRecord[] = [];
  const at = live.map(() => 0);
  const keys = live.map(() => "");
  for (;;) {
    let best = -1;
    for (let i = 0; i < live.length; i++) {
      const record = (live[i] as LogRecord[])[at[i] as number];
      if (record === undefined) continue;
      if (record.ts !== null) keys[i] = record.ts;
      if (best === -1 || (keys[i] as string) < (keys[best] as string)) best = i;
    }
    if (best === -1) return out;
    out.push((live[best] as LogRecord[])[at[best] as number] as LogRecord);
    at[best] = (at[best] as number) + 1;
  }
}
