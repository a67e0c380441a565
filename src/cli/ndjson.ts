/** Reading the daemon's NDJSON follow streams (`logs -f`, `events -f`). */

/**
 * Calls `onItem` with each parsed line of `res`'s body until the stream ends (the daemon
 * stopped) or `stop()` turns true after an item (whoever read our output went away).
 */
export async function readNdjson<T>(res: Response, onItem: (item: T) => void, stop: () => boolean = () => false): Promise<void> {
  if (!res.body) return;
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const chunk of res.body) {
    buffered += decoder.decode(chunk, { stream: true });
    let nl = buffered.indexOf("\n");
    while (nl !== -1) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (line.trim() !== "") onItem(JSON.parse(line) as T);
      // Leaving the loop cancels the body: the daemon drops this follower.
      if (stop()) return;
      nl = buffered.indexOf("\n");
    }
  }
  if (buffered.trim() !== "") onItem(JSON.parse(buffered) as T);
}
