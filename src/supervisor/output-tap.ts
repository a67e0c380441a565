/** Reads a child's output stream into runs of whole lines. */
import { LineSplitter } from "./line-splitter.ts";
import type { OutputFeed } from "./output-feed.ts";

/**
 * Reads `stream` to its end, calling `onLines` with each run of whole lines (each ending
 * in "\n"). A run is a view of a chunk of the stream, or a fresh buffer for a line joined
 * across chunks; it may be kept, as LogRing does, because no chunk is ever reused — Bun
 * allocates a fresh one for every pipe or socket read (tests/supervisor/real-processes.test.ts
 * checks this through the ring). A partial last line is flushed, newline added, when the stream
 * closes. Resolves when the stream ends or fails; never rejects (a child's broken pipe is
 * not the supervisor's crash).
 */
export async function tapOutput(
  stream: ReadableStream<Uint8Array> | null | undefined | number,
  onLines: (run: Uint8Array) => void,
): Promise<void> {
  if (!stream || typeof stream === "number") return;
  const splitter = new LineSplitter(onLines);
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (value) splitter.push(value);
    }
  } catch {
    // The stream errored (child gone mid-write): keep what we have.
  } finally {
    splitter.flush();
    reader.releaseLock();
  }
}

/**
 * The same for a feed of the daemon's output pipes (output-fifos.ts): its chunks go straight
 * into a LineSplitter as the pipe's reader pushes them.
 */
export function tapFeed(feed: OutputFeed, onLines: (run: Uint8Array) => void): void {
  feed.attach(new LineSplitter(onLines));
}
