import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CanopyError } from "../../src/errors.ts";
import { LogFiles, tailLogFiles } from "../../src/daemon/log-files.ts";
import { cleanupTempDirs, tempDir } from "./helpers.ts";

const open: LogFiles[] = [];
afterEach(() => {
  for (const logs of open.splice(0)) logs.close();
});
afterAll(cleanupTempDirs);

function logFiles(dir: string, maxSizeBytes: number, maxFiles: number): LogFiles {
  const logs = new LogFiles({ dir, maxSizeBytes, maxFiles });
  open.push(logs);
  return logs;
}

/** Sizes of every file in `dir`, by name. */
function sizes(dir: string): Record<string, number> {
  return Object.fromEntries(readdirSync(dir).map((name) => [name, statSync(join(dir, name)).size]));
}

const encoder = new TextEncoder();

/** One line as LogFiles takes it: raw bytes ending in "\n". */
function line(text: string | Uint8Array): Uint8Array {
  const bytes = typeof text === "string" ? encoder.encode(text) : text;
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  out[bytes.length] = 0x0a;
  return out;
}

const total = (dir: string) => Object.values(sizes(dir)).reduce((a, b) => a + b, 0);

describe("LogFiles.write", () => {
  test("writes the raw line bytes plus a newline, files 0600 in a 0700 dir", () => {
    const dir = join(tempDir(), "logs");
    const logs = logFiles(dir, 1 << 20, 3);
    const odd = "tab\there, ünïcödé 🌳, CR\r, \u001b[31mred\u001b[0m";
    logs.write("web", line("first"));
    logs.write("web", line(odd));
    logs.write("web", line(""));
    logs.write("api", line("other"));
    expect(readFileSync(join(dir, "web.log"), "utf8")).toBe(`first\n${odd}\n\n`);
    expect(readFileSync(join(dir, "api.log"), "utf8")).toBe("other\n");
    expect(statSync(join(dir, "web.log")).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(logs.tail("web", 10)).toEqual(["first", odd, ""]);
  });

  test("appends to an existing file, fixing its mode, and counts its size toward rotation", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "web.log"), "x".repeat(89) + "\n", { mode: 0o644 });
    const logs = logFiles(dir, 100, 3);
    logs.write("web", line("123456789")); // 90 + 10 = 100: still fits
    expect(statSync(join(dir, "web.log")).mode & 0o777).toBe(0o600);
    expect(sizes(dir)).toEqual({ "web.log": 100 });
    logs.write("web", line("next"));
    expect(sizes(dir)).toEqual({ "web.log": 5, "web.log.1": 100 });
  });

  test("rotation keeps maxFiles files of at most maxSizeBytes each", () => {
    const dir = tempDir();
    const logs = logFiles(dir, 100, 3);
    for (let i = 0; i < 500; i++) logs.write("web", line(`line ${String(i).padStart(4, "0")}`)); // 10 bytes each
    expect(Object.keys(sizes(dir)).sort()).toEqual(["web.log", "web.log.1", "web.log.2"]);
    for (const size of Object.values(sizes(dir))) expect(size).toBeLessThanOrEqual(100);
    expect(total(dir)).toBeLessThanOrEqual(300);
    const kept = tailLogFiles(dir, "web", 1000);
    expect(kept.length).toBe(30);
    expect(kept).toEqual(Array.from({ length: 30 }, (_, k) => `line ${String(470 + k).padStart(4, "0")}`));
  });

  test("a line longer than maxSizeBytes gets a file of its own", () => {
    const dir = tempDir();
    const logs = logFiles(dir, 100, 2);
    logs.write("web", line("a"));
    logs.write("web", line("b".repeat(300)));
    logs.write("web", line("c"));
    expect(sizes(dir)).toEqual({ "web.log": 2, "web.log.1": 301 });
    expect(logs.tail("web", 3)).toEqual(["b".repeat(300), "c"]);
  });

  test("a run of many lines is split across files at line boundaries, as line-by-line writes would be", () => {
    const texts = Array.from({ length: 60 }, (_, i) => `r${String(i).padStart(2, "0")}-${"y".repeat(i % 7)}`);
    const one = tempDir();
    const byLine = logFiles(one, 64, 4);
    for (const t of texts) byLine.write("web", line(t));
    const other = tempDir();
    const byRun = logFiles(other, 64, 4);
    byRun.write("web", encoder.encode(texts.map((t) => `${t}\n`).join("")));
    expect(sizes(other)).toEqual(sizes(one));
    for (const name of Object.keys(sizes(one))) expect(readFileSync(join(other, name), "utf8")).toBe(readFileSync(join(one, name), "utf8"));
    for (const size of Object.values(sizes(other))) expect(size).toBeLessThanOrEqual(64);
  });

  test("a run starting with a line longer than maxSizeBytes gives that line a file of its own", () => {
    const dir = tempDir();
    const logs = logFiles(dir, 100, 3);
    logs.write("web", line("a"));
    logs.write("web", encoder.encode(`${"b".repeat(150)}\nc\nd\n`));
    expect(sizes(dir)).toEqual({ "web.log": 4, "web.log.1": 151, "web.log.2": 2 });
  });

  test("maxFiles 1 keeps only the current file", () => {
    const dir = tempDir();
    const logs = logFiles(dir, 50, 1);
    for (let i = 0; i < 40; i++) logs.write("web", line(`n${i}`));
    expect(Object.keys(sizes(dir))).toEqual(["web.log"]);
    expect(total(dir)).toBeLessThanOrEqual(50);
    expect(logs.tail("web", 1)).toEqual(["n39"]);
  });

  test("a lower maxFiles deletes older generations at the next rotation", () => {
    const dir = tempDir();
    const wide = logFiles(dir, 20, 6);
    for (let i = 0; i < 60; i++) wide.write("web", line("123456789"));
    wide.close();
    expect(Object.keys(sizes(dir)).length).toBe(6);
    const narrow = logFiles(dir, 20, 2);
    for (let i = 0; i < 3; i++) narrow.write("web", line("123456789"));
    expect(Object.keys(sizes(dir)).sort()).toEqual(["web.log", "web.log.1"]);
  });

  test("write after close reopens and appends", () => {
    const dir = tempDir();
    const logs = logFiles(dir, 1000, 2);
    logs.write("web", line("one"));
    logs.close();
    logs.write("web", line("two"));
    expect(readFileSync(join(dir, "web.log"), "utf8")).toBe("one\ntwo\n");
  });

  test("refuses service names that are not plain file names", () => {
    const logs = logFiles(tempDir(), 1000, 2);
    for (const name of ["", ".", "..", "a/b", "../x", "a\0b"]) {
      expect(() => logs.write(name, line("x"))).toThrow(CanopyError);
    }
  });

  test("refuses nonsense limits", () => {
    expect(() => new LogFiles({ dir: tempDir(), maxSizeBytes: 0, maxFiles: 2 })).toThrow(CanopyError);
    expect(() => new LogFiles({ dir: tempDir(), maxSizeBytes: 10, maxFiles: 0 })).toThrow(CanopyError);
  });

  test("100 MB written stays within maxSizeBytes × maxFiles", () => {
    const dir = tempDir();
    const maxSize = 4 << 20;
    const logs = logFiles(dir, maxSize, 3);
    const filler = "x".repeat(1023);
    let written = 0;
    let i = 0;
    while (written < 100 << 20) {
      const text = `${i++} ${filler}`;
      logs.write("web", line(text));
      written += text.length + 1;
    }
    const files = sizes(dir);
    expect(Object.keys(files).length).toBe(3);
    expect(total(dir)).toBeLessThanOrEqual(maxSize * 3 + filler.length + 20);
    expect(logs.tail("web", 2)).toEqual([`${i - 2} ${filler}`, `${i - 1} ${filler}`]);
  }, 60_000);
});

describe("tailLogFiles", () => {
  test("reads the last lines across the rotation boundary, oldest first", () => {
    const dir = tempDir();
    const logs = logFiles(dir, 100, 4);
    for (let i = 0; i < 25; i++) logs.write("web", line(`line-${String(i).padStart(3, "0")}`)); // 9 bytes each, 11 per file
    expect(sizes(dir)).toEqual({ "web.log": 27, "web.log.1": 99, "web.log.2": 99 });
    const expected = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => `line-${String(from + k).padStart(3, "0")}`);
    expect(tailLogFiles(dir, "web", 5)).toEqual(expected(20, 25));
    expect(tailLogFiles(dir, "web", 3)).toEqual(expected(22, 25));
    expect(tailLogFiles(dir, "web", 4)).toEqual(expected(21, 25));
    expect(tailLogFiles(dir, "web", 20)).toEqual(expected(5, 25));
    expect(tailLogFiles(dir, "web", 100)).toEqual(expected(0, 25));
  });

  test("reads big files backwards in chunks, with lines straddling chunk edges", () => {
    const dir = tempDir();
    const lines = Array.from({ length: 5000 }, (_, i) => `${i}:${"é".repeat(i % 700)}`);
    writeFileSync(join(dir, "big.log"), lines.map((l) => `${l}\n`).join(""));
    expect(statSync(join(dir, "big.log")).size).toBeGreaterThan(3 << 20);
    expect(tailLogFiles(dir, "big", 1)).toEqual(lines.slice(-1));
    expect(tailLogFiles(dir, "big", 777)).toEqual(lines.slice(-777));
    expect(tailLogFiles(dir, "big", 10_000)).toEqual(lines);
  });

  test("keeps a last line that lacks its newline", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "web.log"), "a\nb\npartial");
    expect(tailLogFiles(dir, "web", 2)).toEqual(["b", "partial"]);
  });

  test("is empty for an unknown service, a missing dir, or n ≤ 0", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "web.log"), "a\n");
    expect(tailLogFiles(dir, "nope", 5)).toEqual([]);
    expect(tailLogFiles(join(dir, "missing"), "web", 5)).toEqual([]);
    expect(tailLogFiles(dir, "web", 0)).toEqual([]);
    expect(tailLogFiles(dir, "web", -3)).toEqual([]);
  });
});

describe("LogFiles batching (the daemon's mode)", () => {
  test("lines written in one tick land together on the next; raw bytes stay intact", async () => {
    const dir = tempDir();
    const logs = new LogFiles({ dir, maxSizeBytes: 1 << 20, maxFiles: 2, batch: true });
    const raw = Uint8Array.of(0x1b, 0x5b, 0x33, 0x31, 0x6d, 0x00, 0xff, 0xfe, 0x41); // ESC[31m NUL, invalid UTF-8, "A"
    logs.write("web", line(raw));
    logs.write("web", line("second"));
    expect(statSync(join(dir, "web.log")).size).toBe(0);
    await new Promise((r) => setImmediate(r));
    expect([...readFileSync(join(dir, "web.log"))]).toEqual([...raw, 0x0a, ...new TextEncoder().encode("second\n")]);
    logs.close();
  });

  test("a chunk-sized run goes out at once, after the lines batched before it; order is kept", async () => {
    const dir = tempDir();
    const logs = new LogFiles({ dir, maxSizeBytes: 1 << 20, maxFiles: 2, batch: true });
    const chunk = encoder.encode(`${"c".repeat(99)}\n`.repeat(300)); // 30 kB: past the batching size
    const expected: number[] = [];
    const write = (run: Uint8Array) => {
      logs.write("web", run);
      expected.push(...run);
    };
    for (let round = 0; round < 3; round++) {
      write(line(`straddler ${round}`));
      write(line(`second ${round}`));
      write(chunk);
      // The batched lines and the chunk are on disk now, not only at the next tick.
      expect(statSync(join(dir, "web.log")).size).toBe(expected.length);
    }
    write(line("tail"));
    await new Promise((r) => setImmediate(r));
    expect([...readFileSync(join(dir, "web.log"))]).toEqual(expected);
    logs.close();
  });
});
