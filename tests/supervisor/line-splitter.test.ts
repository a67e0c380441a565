// LineSplitter (pure), forEachLine, and tapOutput (the stream reader built on them).
import { describe, expect, test } from "bun:test";
import { forEachLine, LineSplitter, MAX_LINE_BYTES } from "../../src/supervisor/line-splitter.ts";
import { tapOutput } from "../../src/supervisor/output-tap.ts";

const enc = new TextEncoder();
const strict = new TextDecoder("utf-8", { fatal: true });

/** The lines of each run (copies, without their newlines), checking that each run is whole lines. */
function linesOf(onLine: (line: Uint8Array) => void): (run: Uint8Array) => void {
  return (run) => {
    expect(run.length).toBeGreaterThan(0);
    expect(run[run.length - 1]).toBe(0x0a);
    forEachLine(run, (line) => onLine(line.slice()));
  };
}

/** Runs `chunks` through a LineSplitter (flushing at the end) and returns the emitted lines. */
function split(chunks: (string | Uint8Array)[], maxLineBytes?: number): Uint8Array[] {
  const lines: Uint8Array[] = [];
  const s = new LineSplitter(linesOf((line) => lines.push(line)), maxLineBytes);
  for (const c of chunks) s.push(typeof c === "string" ? enc.encode(c) : c);
  s.flush();
  return lines;
}

/** A stream that yields exactly these chunks, then closes. */
function streamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const c of chunks) controller.enqueue(c);
      controller.close();
    },
  });
}

const dec = new TextDecoder();

/** The lines tapOutput reads from `chunks`, decoded. */
async function tap(chunks: Uint8Array[]): Promise<string[]> {
  const lines: string[] = [];
  await tapOutput(streamOf(chunks), linesOf((bytes) => lines.push(dec.decode(bytes))));
  return lines;
}

/** Cuts `bytes` at the given offsets. */
function cutAt(bytes: Uint8Array, offsets: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let from = 0;
  for (const at of [...offsets, bytes.length]) {
    out.push(bytes.slice(from, at));
    from = at;
  }
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

describe("LineSplitter", () => {
  test("joins a line across chunks and emits one line per newline, without the newline", () => {
    const lines = split(["hel", "lo\nwor", "ld\n\nlast"]).map((l) => strict.decode(l));
    expect(lines).toEqual(["hello", "world", "", "last"]);
  });

  test("flush emits a partial last line once, and nothing when there is none", () => {
    const lines: string[] = [];
    const s = new LineSplitter(linesOf((l) => lines.push(strict.decode(l))));
    s.push(enc.encode("done\npart"));
    expect(lines).toEqual(["done"]);
    s.flush();
    s.flush();
    expect(lines).toEqual(["done", "part"]);
    s.push(enc.encode("x\n"));
    s.flush();
    expect(lines).toEqual(["done", "part", "x"]);
  });

  test("does not keep a reference to the caller's chunk buffer", () => {
    const lines: string[] = [];
    const s = new LineSplitter(linesOf((l) => lines.push(strict.decode(l))));
    const buf = enc.encode("abc");
    s.push(buf);
    buf.fill(0x7a); // the caller reuses its buffer
    s.push(enc.encode("\n"));
    expect(lines).toEqual(["abc"]);
  });

  test("a line longer than 64 KiB is cut into ≤ 64 KiB pieces and nothing is lost", () => {
    const text = "0123456789".repeat(20_000); // 200 000 bytes, one line
    const pieces = split([text.slice(0, 70_000), text.slice(70_000), "\n"]);
    expect(pieces.map((p) => p.length)).toEqual([MAX_LINE_BYTES, MAX_LINE_BYTES, MAX_LINE_BYTES, 200_000 - 3 * MAX_LINE_BYTES]);
    expect(pieces.map((p) => strict.decode(p)).join("")).toBe(text);
  });

  test("whole lines inside a chunk go on as one run, a view of the chunk", () => {
    const runs: Uint8Array[] = [];
    const s = new LineSplitter((run) => runs.push(run));
    const chunk = enc.encode("a\nbb\nccc\npart");
    s.push(chunk);
    expect(runs.length).toBe(1);
    expect(runs[0]?.buffer).toBe(chunk.buffer);
    expect(dec.decode(runs[0])).toBe("a\nbb\nccc\n");
    s.push(enc.encode("ial\nd\n"));
    expect(runs.map((r) => dec.decode(r))).toEqual(["a\nbb\nccc\n", "partial\n", "d\n"]);
  });

  test("a long line inside a chunk of short ones is cut; the short ones around it are kept whole", () => {
    const long = "L".repeat(25);
    const lines = split([`a\nb\n${long}\nc\n`], 10).map((l) => strict.decode(l));
    expect(lines).toEqual(["a", "b", "L".repeat(10), "L".repeat(10), "L".repeat(5), "c"]);
  });

  test("cuts at UTF-8 boundaries, whatever the chunking (every 2- and 3-chunk split, several limits)", () => {
    const text = "aé€🌲b🌲€éc€🌲";
    const bytes = enc.encode(text);
    const failures: string[] = [];
    for (const max of [4, 5, 6, 7, 8, 13]) {
      for (let i = 0; i <= bytes.length; i++) {
        for (let j = i; j <= bytes.length; j++) {
          const pieces = split(cutAt(bytes, [i, j]), max);
          let decoded: string;
          try {
            decoded = pieces.map((p) => strict.decode(p)).join("");
          } catch {
            failures.push(`max ${max}, cuts ${i}/${j}: a piece is not valid UTF-8`);
            continue;
          }
          if (decoded !== text) failures.push(`max ${max}, cuts ${i}/${j}: got ${JSON.stringify(decoded)}`);
          if (pieces.some((p) => p.length > max || p.length === 0)) {
            failures.push(`max ${max}, cuts ${i}/${j}: sizes ${pieces.map((p) => p.length)}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
  });

  test("runs mixing short, limit-sized and long lines, chunked at random, give each line cut as a line-at-a-time reference would", () => {
    // A seeded generator: the same cases every run.
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const failures: string[] = [];
    for (let round = 0; round < 300; round++) {
      const max = 1 + rand(12);
      // Lengths around the limit matter most: max - 1, max, max + 1, and well past it.
      const lines = Array.from({ length: 1 + rand(40) }, (_, i) => String.fromCharCode(97 + (i % 26)).repeat([rand(max), max - 1, max, max + 1, rand(4 * max)][rand(5)] as number));
      const expected = lines.flatMap((line) => {
        if (line.length <= max) return [line];
        const pieces: string[] = [];
        for (let at = 0; at < line.length; at += max) pieces.push(line.slice(at, at + max));
        return pieces;
      });
      const bytes = enc.encode(lines.map((l) => `${l}\n`).join(""));
      const cuts = Array.from({ length: rand(4) }, () => rand(bytes.length + 1)).sort((a, b) => a - b);
      const got = split(cutAt(bytes, cuts), max).map((l) => strict.decode(l));
      if (JSON.stringify(got) !== JSON.stringify(expected)) failures.push(`max ${max}, cuts ${cuts}: ${JSON.stringify(lines)} gave ${JSON.stringify(got)}`);
    }
    expect(failures).toEqual([]);
  });
});

describe("tapOutput", () => {
  test('"héllo €🌲" split across two chunks at every byte offset decodes intact', async () => {
    const bytes = enc.encode("héllo €🌲\nsecond ✓");
    const seen: string[][] = [];
    for (let at = 0; at <= bytes.length; at++) seen.push(await tap(cutAt(bytes, [at])));
    expect(seen).toEqual(Array.from({ length: bytes.length + 1 }, () => ["héllo €🌲", "second ✓"]));
  });

  test('"héllo €🌲" fed one byte per chunk decodes intact', async () => {
    const bytes = enc.encode("héllo €🌲\n");
    const chunks = Array.from(bytes, (b) => Uint8Array.of(b));
    expect(await tap(chunks)).toEqual(["héllo €🌲"]);
  });

  test("a multi-byte line over 64 KiB, chunked at every offset around the cut, loses nothing", async () => {
    // Multi-byte characters straddle the 64 KiB limit; each chunking puts a chunk
    // boundary at a different byte of them.
    const text = `${"a".repeat(MAX_LINE_BYTES - 5)}${"€🌲é".repeat(4)}${"z".repeat(1000)}`;
    const bytes = enc.encode(text);
    const failures: string[] = [];
    for (let at = MAX_LINE_BYTES - 8; at <= MAX_LINE_BYTES + 12; at++) {
      const pieces: Uint8Array[] = [];
      const lines: string[] = [];
      await tapOutput(
        streamOf(cutAt(bytes, [at])),
        linesOf((raw) => {
          lines.push(dec.decode(raw));
          pieces.push(raw);
        }),
      );
      if (lines.join("") !== text) failures.push(`chunk boundary at ${at}: text differs`);
      if (pieces.some((p) => p.length > MAX_LINE_BYTES)) failures.push(`chunk boundary at ${at}: piece too long`);
      try {
        for (const p of pieces) strict.decode(p);
      } catch {
        failures.push(`chunk boundary at ${at}: a piece is cut inside a character`);
      }
      if (concat(pieces).length !== bytes.length) failures.push(`chunk boundary at ${at}: byte count differs`);
    }
    expect(failures).toEqual([]);
  });

  test("a stream that errors keeps (and flushes) what arrived", async () => {
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        controller = c;
      },
    });
    const lines: string[] = [];
    const done = tapOutput(stream, linesOf((b) => lines.push(dec.decode(b))));
    controller.enqueue(enc.encode("one\ntw"));
    controller.error(new Error("EPIPE"));
    await done; // resolves, never rejects
    expect(lines).toEqual(["one", "tw"]);
  });

  test("resolves at once for a stream that is not a pipe", async () => {
    const lines: string[] = [];
    await tapOutput(undefined, linesOf((b) => lines.push(dec.decode(b))));
    await tapOutput(3, linesOf((b) => lines.push(dec.decode(b))));
    expect(lines).toEqual([]);
  });
});
