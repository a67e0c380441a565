/** The NDJSON streams behind `logs -f` and `events -f`: bounded per reader, never blocking the children. */
import type { DroppedNotice } from "./wire.ts";

/** Lines a stalled reader may have queued before newer ones are dropped (and counted). */
export const FOLLOW_QUEUE_LINES = 2_000;
/**
 * …and bytes: 2,000 lines cut at 64 KiB would be 128 MiB. Each queued line counts as at
 * least FOLLOW_QUEUE_BYTES / FOLLOW_QUEUE_LINES bytes, so short lines stop at the line
 * limit and long ones at this one.
 */
export const FOLLOW_QUEUE_BYTES = 4 * 1024 * 1024;
const MIN_LINE_COST = Math.ceil(FOLLOW_QUEUE_BYTES / FOLLOW_QUEUE_LINES);
/** Made at first use: a daemon nobody follows never encodes a line. */
let encoder: TextEncoder | undefined;
const encode = (text: string) => (encoder ??= new TextEncoder()).encode(text);
/** What a stream with no backlog opens with; it takes no room in the reader's queue. */
const OPENING_LINE = new Uint8Array([10]);
const QUEUE_STRATEGY: QueuingStrategy<Uint8Array> = {
  highWaterMark: FOLLOW_QUEUE_BYTES,
  size: (chunk) => (chunk === OPENING_LINE ? 0 : Math.max(chunk?.byteLength ?? 0, MIN_LINE_COST)),
};

/** Subscribes a reader: `push` for each new item, `end` when the source stops; returns the unsubscribe. */
export type Subscribe<T> = (push: (item: T) => void, end: () => void) => () => void;

/**
 * Streams `backlog` (or, when it is empty, one empty line), then every new item. A reader
 * that stops reading is not allowed to grow the daemon's memory: past FOLLOW_QUEUE_LINES
 * queued items (or FOLLOW_QUEUE_BYTES), new ones are dropped and counted, and the reader
 * gets `{"dropped":N}` as soon as its queue has room again (even if no new item comes),
 * before any item it does receive. `onDrop` hears of each dropped item (for the metrics).
 */
export function followStream<T>(
  subscribe: Subscribe<T>,
  backlog: T[],
  signal: AbortSignal,
  onDrop?: (item: T) => void,
): ReadableStream<Uint8Array> {
  let unsubscribe = () => {};
  let dropped = 0;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const send = (value: T | DroppedNotice) => controller.enqueue(encode(`${JSON.stringify(value)}\n`));
        for (const item of backlog) send(item);
        // Bun sends a response's headers with its first chunk: with no backlog, an empty line
        // (NDJSON readers skip it) lets the reader know at once that it is following.
        if (backlog.length === 0) controller.enqueue(OPENING_LINE);
        const end = () => {
          unsubscribe();
          try {
            controller.close();
          } catch {
            // already closed or errored
          }
        };
        unsubscribe = subscribe((item) => {
          if ((controller.desiredSize ?? 0) <= 0) {
            dropped++;
            onDrop?.(item);
            return;
          }
          if (dropped > 0) {
            send({ dropped });
            dropped = 0;
          }
          send(item);
        }, end);
        signal.addEventListener("abort", end);
      },
      // The reader has caught up: tell it what it missed now, not at the next line (there may be none).
      pull(controller) {
        if (dropped === 0) return;
        controller.enqueue(encode(`${JSON.stringify({ dropped } satisfies DroppedNotice)}\n`));
        dropped = 0;
      },
      cancel() {
        unsubscribe();
      },
    },
    QUEUE_STRATEGY,
  );
}
