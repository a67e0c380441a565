/** Reading the daemon's NDJSON follow streams (`logs -f`, `events -f`). */

/** How often a quiet stream checks `stop()`: the reader of our output may leave between items. */
const STOP_CHECK_MS = 250;

/**
 * Calls `onItem` with each parsed line of `res`'s body until the stream ends (the daemon
 * stopped) or `stop()` turns true (whoever read our output went away): asked after each item,
 * and every STOP_CHECK_MS while the stream is quiet. Stopping cancels the body, so the daemon
 * drops this follower.
 */
export async function readNdjson<T>(res: Response, onItem: (item: T) => void, stop: () => boolean = () => false): Promise<void> {
  if (!res.body) return;
  const reader = res.body.getReader();
  let stopped = false;
  const halt = () => {
    stopped = true;
    reader.cancel().catch(() => {}); // a pending read then ends as done
  };
  const watch = setInterval(() => {
    if (stop()) halt();
  }, STOP_CHECK_MS);
  try {
    const decoder = new TextDecoder();
    let buffered = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done || stopped) break;
      buffered += decoder.decode(value, { stream: true });
      let nl = buffered.indexOf("\n");
      while (nl !== -1) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line.trim() !== "") onItem(JSON.parse(line) as T);
        if (stop()) {
          halt();
          return;
        }
        nl = buffered.indexOf("\n");
      }
    }
    if (!stopped && buffered.trim() !== "") onItem(JSON.parse(buffered) as T);
  } finally {
    clearInterval(watch);
  }
}
