// LogRing (pure): a per-service buffer bounded in bytes. Lines go in as runs of whole
// lines (each ending in "\n") and come out one by one as `[prefix] line\n`.
import { describe, expect, test } from "bun:test";
import { LogRing } from "../../src/supervisor/log-ring.ts";

const encoder = new TextEncoder();

/** Pushes one line (given without its newline). */
function push(ring: LogRing, line: string | Uint8Array): void {
  const bytes = typeof line === "string" ? encoder.encode(line) : line;
  const run = new Uint8Array(bytes.length + 1);
  run.set(bytes);
  run[bytes.length] = 0x0a;
  ring.pushLines(run);
}

const bytesOf = (lines: string[]) => lines.reduce((n, l) => n + Buffer.byteLength(l), 0);

describe("LogRing", () => {
  test("keeps the newest lines whose total fits the cap, oldest evicted first", () => {
    const ring = new LogRing(20);
    for (const l of ["aaaaa", "bbbbb", "ccccc", "ddddd"]) push(ring, l); // 6 bytes each
    expect(ring.snapshot()).toEqual(["bbbbb\n", "ccccc\n", "ddddd\n"]);
    expect(ring.bytes).toBe(18);
  });

  test("measures the cap in UTF-8 bytes, not characters", () => {
    const ring = new LogRing(10);
    push(ring, "€€"); // 7 bytes, 3 characters
    push(ring, "ab"); // 3 bytes
    expect(ring.snapshot()).toEqual(["€€\n", "ab\n"]);
    push(ring, "c");
    expect(ring.snapshot()).toEqual(["ab\n", "c\n"]);
    expect(ring.bytes).toBe(5);
  });

  test("the newest line is kept even when it alone is larger than the cap", () => {
    const ring = new LogRing(10);
    push(ring, "small");
    const big = `${"x".repeat(50)}\n`;
    push(ring, big.slice(0, -1));
    expect(ring.snapshot()).toEqual([big]);
    expect(ring.bytes).toBe(51);
    // …and it goes as soon as a newer line arrives.
    push(ring, "next");
    expect(ring.snapshot()).toEqual(["next\n"]);
  });

  test("snapshot(n) returns the last n lines, oldest first; all when n is larger", () => {
    const ring = new LogRing(1000);
    for (let i = 1; i <= 5; i++) push(ring, `l${i}`);
    expect(ring.snapshot(2)).toEqual(["l4\n", "l5\n"]);
    expect(ring.snapshot(0)).toEqual([]);
    expect(ring.snapshot(99)).toEqual(["l1\n", "l2\n", "l3\n", "l4\n", "l5\n"]);
  });

  test("snapshot(n) never reaches back into evicted lines", () => {
    const ring = new LogRing(9);
    for (let i = 1; i <= 5; i++) push(ring, `l${i}`); // 3 bytes each: 3 fit
    expect(ring.snapshot(4)).toEqual(["l3\n", "l4\n", "l5\n"]);
  });

  test("stays within the cap across many pushes (compaction keeps the content)", () => {
    const ring = new LogRing(1000);
    for (let i = 0; i < 10_000; i++) push(ring, `line ${i}`);
    const lines = ring.snapshot();
    expect(bytesOf(lines)).toBe(ring.bytes);
    expect(ring.bytes).toBeLessThanOrEqual(1000);
    expect(lines.at(-1)).toBe("line 9999\n");
    // Contiguous: the kept lines are exactly the newest ones.
    const first = Number(lines[0]?.split(" ")[1]);
    expect(lines).toEqual(Array.from({ length: 10_000 - first }, (_, i) => `line ${first + i}\n`));
    // One more line would not have fitted.
    expect(ring.bytes + Buffer.byteLength(`line ${first - 1}\n`)).toBeGreaterThan(1000);
  });

  test("clear empties it", () => {
    const ring = new LogRing(100);
    push(ring, "a");
    ring.clear();
    expect(ring.snapshot()).toEqual([]);
    expect(ring.bytes).toBe(0);
    push(ring, "b");
    expect(ring.snapshot()).toEqual(["b\n"]);
  });

  test("a line is shown with its prefix, counted in the cap, and decoded only when read", () => {
    const ring = new LogRing(40, "[api] ");
    const raw = new TextEncoder().encode("héllo");
    push(ring, raw);
    raw.fill(0x78); // the caller's buffer is reused: the ring kept its own copy
    expect(ring.snapshot()).toEqual(["[api] héllo\n"]);
    expect(ring.bytes).toBe(Buffer.byteLength("[api] héllo\n"));
  });

  test("matches a naive model over many pushes of mixed sizes (the slab compacts and grows)", () => {
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (const cap of [50, 1_000, 20_000]) {
      const ring = new LogRing(cap, "[m] ");
      const model: string[] = [];
      let modelBytes = 0;
      for (let i = 0; i < 3_000; i++) {
        const text = `${i}:${"é".repeat(Math.floor(random() * (random() < 0.05 ? 3_000 : 60)))}`;
        push(ring, new TextEncoder().encode(text));
        const shown = `[m] ${text}\n`;
        model.push(shown);
        modelBytes += Buffer.byteLength(shown);
        while (modelBytes > cap && model.length > 1) modelBytes -= Buffer.byteLength(model.shift() as string);
        if (i % 97 === 0) expect(ring.snapshot()).toEqual(model);
      }
      expect(ring.snapshot()).toEqual(model);
      expect(ring.bytes).toBe(modelBytes);
      expect(ring.snapshot(3)).toEqual(model.slice(-3));
    }
  });

  test("runs of many lines match the same lines pushed one by one, whatever the cap", () => {
    let seed = 777;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (const cap of [0, 7, 64, 500, 5_000]) {
      const byRun = new LogRing(cap, "[r] ");
      const byLine = new LogRing(cap, "[r] ");
      for (let i = 0; i < 400; i++) {
        const texts = Array.from({ length: 1 + Math.floor(random() * 30) }, (_, k) => `${i}.${k}${"ü".repeat(Math.floor(random() * 40))}`);
        byRun.pushLines(encoder.encode(texts.map((t) => `${t}\n`).join("")));
        for (const t of texts) push(byLine, t);
        if (i % 37 === 0) expect(byRun.snapshot()).toEqual(byLine.snapshot());
      }
      expect(byRun.snapshot()).toEqual(byLine.snapshot());
      expect(byRun.snapshot(5)).toEqual(byLine.snapshot(5));
      expect(byRun.snapshot().length).toBeGreaterThan(0);
    }
  });
});
