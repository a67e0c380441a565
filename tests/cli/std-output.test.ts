import { afterEach, describe, expect, test } from "bun:test";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FallbackStream, StdOutput } from "../../src/cli/std-output.ts";

/** A stand-in for process.stdout that records what it was given and calls back at once. */
function recordingStream(): FallbackStream & { got: string[] } {
  const got: string[] = [];
  return {
    got,
    write(chunk, callback) {
      got.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString());
      callback?.();
      return true;
    },
  };
}

describe("StdOutput", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  test("writes straight to its fd, whole, and never opens the stream", async () => {
    dir = mkdtempSync(join(tmpdir(), "canopy-std-"));
    const file = join(dir, "out");
    const fd = openSync(file, "w");
    let opened = 0;
    const out = new StdOutput(fd, () => {
      opened++;
      return recordingStream();
    });
    const big = "é".repeat(100_000);
    out.write("first\n");
    out.write(big);
    out.write("\nlast\n");
    await out.drained();
    closeSync(fd);
    expect(readFileSync(file, "utf8")).toBe(`first\n${big}\nlast\n`);
    expect(opened).toBe(0);
  });

  test("a failed write hands the rest, and every later write, to the stream, in order", async () => {
    const stream = recordingStream();
    const direct: string[] = [];
    let calls = 0;
    // Accepts the first write, 3 bytes of the second, then fails as a full non-blocking pipe does.
    const write2 = (_fd: number, bytes: Uint8Array, offset: number) => {
      calls++;
      if (calls === 2) {
        direct.push(Buffer.from(bytes.subarray(offset, offset + 3)).toString());
        return 3;
      }
      if (calls > 2) throw Object.assign(new Error("EAGAIN"), { code: "EAGAIN" });
      direct.push(Buffer.from(bytes.subarray(offset)).toString());
      return bytes.length - offset;
    };
    const out = new StdOutput(1, () => stream, write2);
    out.write("one\n");
    out.write("two-three\n");
    out.write("four\n");
    await out.drained();
    expect(direct).toEqual(["one\n", "two"]);
    expect(stream.got).toEqual(["-three\n", "four\n", ""]);
    expect(calls).toBe(3);
  });

  test("a reader gone away (EPIPE) closes the output: the rest is dropped, no stream opened", async () => {
    let opened = 0;
    const direct: string[] = [];
    let calls = 0;
    const write2 = (_fd: number, bytes: Uint8Array, offset: number) => {
      calls++;
      if (calls > 1) throw Object.assign(new Error("EPIPE: broken pipe, write"), { code: "EPIPE" });
      direct.push(Buffer.from(bytes.subarray(offset)).toString());
      return bytes.length - offset;
    };
    const out = new StdOutput(
      1,
      () => {
        opened++;
        return recordingStream();
      },
      write2,
      () => false,
    );
    out.write("one\n");
    expect(out.closed).toBe(false);
    out.write("two\n");
    expect(out.closed).toBe(true);
    out.write("three\n");
    await out.drained();
    expect(direct).toEqual(["one\n"]);
    expect(calls).toBe(2);
    expect(opened).toBe(0);
  });

  test("a stream that took over and then finds the reader gone (EPIPE thrown) closes the output too", async () => {
    let thrown = 0;
    const stream: FallbackStream = {
      write(chunk, callback) {
        if (chunk !== "" && Buffer.from(chunk).toString() === "b\n") {
          thrown++;
          throw Object.assign(new Error("EPIPE"), { code: "EPIPE" });
        }
        callback?.();
        return true;
      },
    };
    const out = new StdOutput(
      1,
      () => stream,
      () => {
        throw Object.assign(new Error("EAGAIN"), { code: "EAGAIN" });
      },
      () => false,
    );
    out.write("a\n");
    out.write("b\n");
    out.write("c\n");
    expect(out.closed).toBe(true);
    expect(thrown).toBe(1);
    await out.drained();
  });

  test("closed also asks the fd, so a reader that left while nothing was written is noticed", () => {
    const written: string[] = [];
    let asked = 0;
    let gone = false;
    const out = new StdOutput(
      1,
      () => recordingStream(),
      (_fd, bytes, offset) => {
        written.push(Buffer.from(bytes.subarray(offset)).toString());
        return bytes.length - offset;
      },
      () => {
        asked++;
        return gone;
      },
    );
    out.write("a\n");
    expect(out.closed).toBe(false);
    gone = true; // `head` exits; nothing is written in between
    // Asked at most once per PROBE_EVERY_MS: wait for the answer with a deadline, not a fixed sleep.
    const deadline = performance.now() + 10_000;
    while (!out.closed && performance.now() < deadline) Bun.sleepSync(10);
    expect(out.closed).toBe(true);
    const askedWhenClosed = asked;
    out.write("b\n");
    expect(out.closed).toBe(true);
    expect(asked).toBe(askedWhenClosed);
    expect(written).toEqual(["a\n"]);
  });
});
