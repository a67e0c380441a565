/** The NDJSON streams behind `logs -f` and `events -f`: bounded per reader, never blocking the children. */
import type { DroppedNotice } from "./wire.ts";

/** Lines a stalled reader may have queued before newer ones are dropped (and counted). */
export const FOLLOW_QUEUE_LINES = 2_000;

const encoder = new TextEncoder();

/** Subscribes a reader: `push` for each new item, `end` when the source stops; returns the unsubscribe. */
export type Subscribe<T> = (push: (item: T) => void, end: () => void) => () => void;

/**
 * Streams `backlog`, then every new item. A reader that stops reading is not allowed to
 * grow the daemon's memory: past FOLLOW_QUEUE_LINES queued items, new ones are dropped and
 * counted, and the reader gets `{"dropped":N}` before the next item it does receive.
 */
export function followStream<T>(subscribe: Subscribe<T>, backlog: T[], signal: AbortSignal): ReadableStream<Uint8Array> {
  let unsubscribe = () => {};
  let dropped = 0;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const send = (value: T | DroppedNotice) => controller.enqueue(encoder.encode(`${JSON.stringify(value)}\n`));
        for (const item of backlog) send(item);
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
      cancel() {
        unsubscribe();
      },
    },
    new CountQueuingStrategy({ highWaterMark: FOLLOW_QUEUE_LINES }),
  );
}
