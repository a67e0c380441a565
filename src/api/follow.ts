/** The NDJSON stream behind `logs -f`: bounded per reader, never blocking the children. */
import type { DaemonControl } from "./control.ts";
import type { DroppedNotice, LogEntry } from "./wire.ts";

/** Lines a stalled reader may have queued before newer ones are dropped (and counted). */
export const FOLLOW_QUEUE_LINES = 2_000;

const encoder = new TextEncoder();

/**
 * Streams `backlog`, then every new line of `services` (all when undefined). A reader that
 * stops reading is not allowed to grow the daemon's memory: past FOLLOW_QUEUE_LINES queued
 * lines, new lines are dropped and counted, and the reader gets `{"dropped":N}` before the
 * next line it does receive.
 */
export function followStream(
  control: DaemonControl,
  services: string[] | undefined,
  backlog: LogEntry[],
  signal: AbortSignal,
): ReadableStream<Uint8Array> {
  let unsubscribe = () => {};
  let dropped = 0;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const send = (value: LogEntry | DroppedNotice) =>
          controller.enqueue(encoder.encode(`${JSON.stringify(value)}\n`));
        for (const entry of backlog) send(entry);
        unsubscribe = control.subscribe(services, (entry) => {
          if ((controller.desiredSize ?? 0) <= 0) {
            dropped++;
            return;
          }
          if (dropped > 0) {
            send({ dropped });
            dropped = 0;
          }
          send(entry);
        }, end);
        function end() {
          unsubscribe();
          try {
            controller.close();
          } catch {
            // already closed or errored
          }
        }
        signal.addEventListener("abort", end);
      },
      cancel() {
        unsubscribe();
      },
    },
    new CountQueuingStrategy({ highWaterMark: FOLLOW_QUEUE_LINES }),
  );
}
