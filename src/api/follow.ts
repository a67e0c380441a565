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

/**
 * Several items published as one (a run of a child's output lines): a reader with room
 * has them expanded and queued in one chunk; a reader without room only counts them, so a
 * flood past a stalled follower costs no decoding.
 */
export abstract class Batch<T> {
  /** How many items it holds. */
  abstract readonly count: number;
  /** Calls `fn` with each item in order until it returns false. */
  abstract forEach(fn: (item: T) => boolean): void;
}

/** Subscribes a reader: `push` for each new item or batch, `end` when the source stops; returns the unsubscribe. */
export type Subscribe<T, B extends Batch<T> = Batch<T>> = (push: (item: T | B) => void, end: () => void) => () => void;

/**
 * Streams `backlog` (or, when it is empty, one empty line), then every new item. A reader
 * that stops reading is not allowed to grow the daemon's memory: past FOLLOW_QUEUE_LINES
 * queued items (or FOLLOW_QUEUE_BYTES), new ones are dropped and counted, and the reader
 * gets `{"dropped":N}` as soon as its queue has room again (even if no new item comes),
 * before any item it does receive. `onDrop` hears of each item dropped, or of `n` items of a
 * batch (for the metrics). What one push brings goes into the queue as one chunk.
 */
export function followStream<T, B extends Batch<T> = Batch<T>>(
  subscribe: Subscribe<T, B>,
  backlog: T[],
  signal: AbortSignal,
  onDrop?: (item: T | B, n: number) => void,
): ReadableStream<Uint8Array> {
  let unsubscribe = () => {};
  let dropped = 0;
  /** What each queued chunk counts against the queue: its bytes, and at least MIN_LINE_COST per item in it. */
  const costs = new WeakMap<Uint8Array, number>();
  const strategy: QueuingStrategy<Uint8Array> = {
    highWaterMark: FOLLOW_QUEUE_BYTES,
    size: (chunk) => (chunk === undefined || chunk === OPENING_LINE ? 0 : (costs.get(chunk) ?? Math.max(chunk.byteLength, MIN_LINE_COST))),
  };
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
        const drop = (item: T | B, n: number) => {
          dropped += n;
          onDrop?.(item, n);
        };
        unsubscribe = subscribe((item) => {
          let room = controller.desiredSize ?? 0;
          if (room <= 0) return drop(item, item instanceof Batch ? item.count : 1);
          if (dropped > 0) {
            send({ dropped });
            dropped = 0;
          }
          if (!(item instanceof Batch)) return send(item);
          // As many of the batch's items as the queue has room for, in one chunk; the rest dropped.
          let text = "";
          let cost = 0;
          let taken = 0;
          let full = false;
          item.forEach((one) => {
            full = room <= 0;
            if (full) return false;
            const line = `${JSON.stringify(one)}\n`;
            const lineCost = Math.max(line.length, MIN_LINE_COST);
            text += line;
            cost += lineCost;
            room -= lineCost;
            taken++;
            return true;
          });
          if (taken > 0) {
            const chunk = encode(text);
            costs.set(chunk, Math.max(chunk.byteLength, cost));
            controller.enqueue(chunk);
          }
          if (full) drop(item, item.count - taken);
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
    strategy,
  );
}
