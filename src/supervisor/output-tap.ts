/** Reads a child's output stream into lines. */
import { LineSplitter } from "./line-splitter.ts";

/**
 * Reads `stream` to its end, calling `onLine` with each line's bytes (no newline; a view
 * valid only during the call).
 * A partial last line is flushed when the stream closes. Resolves when the stream ends
 * or fails; never rejects (a child's broken pipe is not the supervisor's crash).
 */
export async function tapLines(
  stream: ReadableStream<Uint8Array> | null | undefined | number,
  onLine: (bytes: Uint8Array) => void,
): Promise<void> {
  if (!stream || typeof stream === "number") return;
  const splitter = new LineSplitter(onLine);
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
