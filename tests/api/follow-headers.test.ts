// A follow stream with nothing to replay still answers at once: the headers reach the reader
// before any item exists (Bun sends them with the first chunk of a body).
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { followStream } from "../../src/api/follow.ts";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

test("following with an empty backlog: headers and an empty first line arrive before any item", async () => {
  const dir = mkdtempSync(join(tmpdir(), "canopy-follow-"));
  let push: ((item: { n: number }) => void) | undefined;
  const server = Bun.serve({
    unix: join(dir, "s.sock"),
    fetch: (req) =>
      new Response(
        followStream<{ n: number }>(
          (p) => {
            push = p;
            return () => {};
          },
          [],
          req.signal,
        ),
        { headers: { "content-type": "application/x-ndjson" } },
      ),
  });
  cleanups.push(() => {
    void server.stop(true);
    rmSync(dir, { recursive: true, force: true });
  });
  const controller = new AbortController();
  cleanups.push(() => controller.abort());
  const deadline = new Promise<"no headers">((resolve) => setTimeout(() => resolve("no headers"), 10_000));
  const res = await Promise.race([fetch("http://canopy/v1/logs?follow=1", { unix: join(dir, "s.sock"), signal: controller.signal }), deadline]);
  if (res === "no headers") throw new Error("the follow response sent no headers within 10 s");
  expect(res.status).toBe(200);
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const first = await reader.read();
  expect(new TextDecoder().decode(first.value)).toBe("\n");
  push?.({ n: 1 });
  const next = await reader.read();
  expect(new TextDecoder().decode(next.value)).toBe('{"n":1}\n');
});
