/** Turns the daemon's NDJSON follow streams into server-sent events for the page's EventSource. */

const encoder = new TextEncoder();

/**
 * An SSE stream that first tells the page to `reset` (a reconnecting EventSource gets the
 * backlog again, which must replace, not repeat, what it shows), then sends each non-empty
 * NDJSON line of `source` as one `message` event. It ends when `source` ends (the daemon
 * stopped); the page's EventSource then reconnects after `retry` ms.
 */
export function ndjsonToSse(source: ReadableStream<Uint8Array>, retryMs = 1000): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  const decoder = new TextDecoder();
  let buffered = "";
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(`retry: ${retryMs}\nevent: reset\ndata: {}\n\n`));
    },
    async pull(controller) {
      for (;;) {
        const { done, value } = await reader.read().catch(() => ({ done: true as const, value: undefined }));
        if (done) {
          controller.close();
          return;
        }
        buffered += decoder.decode(value, { stream: true });
        const lines = buffered.split("\n");
        buffered = lines.pop() ?? "";
        const events = lines.filter((l) => l.trim() !== "").map((l) => `data: ${l}\n\n`);
        if (events.length > 0) {
          controller.enqueue(encoder.encode(events.join("")));
          return;
        }
      }
    },
    cancel() {
      void reader.cancel().catch(() => {});
    },
  });
}
