/** Reading a follow stream: lines split across chunks, several in one chunk, a last line without a newline. */
import { expect, test } from "bun:test";
import { readNdjson } from "../../src/cli/ndjson.ts";

function response(chunks: string[]): Response {
  const encoder = new TextEncoder();
  return new Response(
    new ReadableStream<Uint8Array>({
      start(controller) {
        for (const c of chunks) controller.enqueue(encoder.encode(c));
        controller.close();
      },
    }),
  );
}

test("every item once, in order, however the bytes are chunked", async () => {
  const items: unknown[] = [];
  await readNdjson(response(['{"a":1}\n{"dro', 'pped":5}\n\n{"text":"é', '"}\n{"last":true}']), (item) => items.push(item));
  expect(items).toEqual([{ a: 1 }, { dropped: 5 }, { text: "é" }, { last: true }]);
});

test("a multi-byte character split between chunks survives", async () => {
  const bytes = new TextEncoder().encode('{"t":"→"}\n');
  const items: unknown[] = [];
  const res = new Response(
    new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, 7));
        controller.enqueue(bytes.slice(7));
        controller.close();
      },
    }),
  );
  await readNdjson(res, (item) => items.push(item));
  expect(items).toEqual([{ t: "→" }]);
});

test("an empty body reads nothing", async () => {
  const items: unknown[] = [];
  await readNdjson(new Response(null), (item) => items.push(item));
  await readNdjson(response([]), (item) => items.push(item));
  expect(items).toEqual([]);
});

test("stops after the item that makes stop() true, on a stream that would never end, and cancels it", async () => {
  let cancelled = false;
  let sent = 0;
  // An endless follow stream: one item per pull.
  const res = new Response(
    new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode(`{"n":${sent++}}\n`));
      },
      cancel() {
        cancelled = true;
      },
    }),
  );
  const items: { n: number }[] = [];
  await readNdjson<{ n: number }>(res, (item) => items.push(item), () => items.length === 3);
  expect(items.map((i) => i.n)).toEqual([0, 1, 2]);
  expect(cancelled).toBe(true);
});

test("a quiet stream still stops once stop() turns true, and is cancelled", async () => {
  let cancelled = false;
  // Sends one item, then nothing: a follow of a service that says no more.
  const res = new Response(
    new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"n":0}\n'));
      },
      cancel() {
        cancelled = true;
      },
    }),
  );
  const items: unknown[] = [];
  let readerLeft = false;
  // The reader leaves just after the item was handled: only the quiet-time check can see it.
  await readNdjson(
    res,
    (item) => {
      items.push(item);
      setTimeout(() => (readerLeft = true), 0);
    },
    () => readerLeft,
  );
  expect(items).toEqual([{ n: 0 }]);
  expect(cancelled).toBe(true);
});
