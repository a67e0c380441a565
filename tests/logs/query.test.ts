/** queryLogFiles over files LogFiles wrote, rotated ones included, with known stamps. */
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { LogFiles } from "../../src/daemon/log-files.ts";
import { queryLogFiles } from "../../src/logs/query.ts";
import type { LogRecord } from "../../src/logs/record.ts";
import type { OutputStream } from "../../src/logs/stamp-index.ts";
import { cleanupTempDirs, tempDir } from "../daemon/helpers.ts";

const open: LogFiles[] = [];
afterEach(() => {
  for (const logs of open.splice(0)) logs.close();
});
afterAll(cleanupTempDirs);

const T0 = Date.UTC(2026, 11, 5, 3, 0, 0, 0);
const iso = (ms: number) => new Date(T0 + ms).toISOString();

/**
 * `web` writes reads of 3 lines every 10 ms (stdout, every third read stderr), `api` one line
 * every 15 ms, into files of 1 KiB, 4 kept: most of it is in rotated files by the end.
 */
function writeTwoServices(): { dir: string; expected: LogRecord[] } {
  const dir = join(tempDir("canopy-query-"), "logs");
  const files = new LogFiles({ dir, maxSizeBytes: 1024, maxFiles: 4, timestamps: true });
  open.push(files);
  const expected: LogRecord[] = [];
  for (let t = 0; t < 2000; t += 5) {
    if (t % 10 === 0) {
      const stream: OutputStream = (t / 10) % 3 === 2 ? "stderr" : "stdout";
      const lines = [0, 1, 2].map((k) => `web ${t} ${k} ${stream === "stderr" ? "ERROR disk" : "ok"}`);
      files.write("web", Buffer.from(lines.map((l) => `${l}\n`).join("")), { at: T0 + t, stream });
      for (const line of lines) expected.push({ ts: iso(t), service: "web", stream, line });
    }
    if (t % 15 === 0) {
      const line = `api ${t} GET /x`;
      files.write("api", Buffer.from(`${line}\n`), { at: T0 + t, stream: "stdout" });
      expected.push({ ts: iso(t), service: "api", stream: "stdout", line });
    }
  }
  files.close();
  return { dir, expected };
}

describe("queryLogFiles", () => {
  test("two services come back merged in time order with the stamps they were written with, across rotated files", () => {
    const { dir, expected } = writeTwoServices();
    expect(readdirSync(dir).filter((n) => /^web\.log\.\d+$/.test(n)).length).toBe(3); // rotated, and some rotated away
    const all = queryLogFiles(dir, { services: ["web", "api"], filter: {} });
    // Only what the 4 files per service still hold: the newest of `expected`, per service.
    const kept = (service: string) => expected.filter((e) => e.service === service).slice(-all.filter((r) => r.service === service).length);
    const want = [...kept("web"), ...kept("api")].sort((a, b) => ((a.ts as string) < (b.ts as string) ? -1 : (a.ts as string) > (b.ts as string) ? 1 : a.service === b.service ? 0 : a.service === "web" ? -1 : 1));
    expect(all).toEqual(want);
    expect(all.filter((r) => r.service === "web").length).toBeGreaterThan(40);
  });

  test("--since/--until select exactly the lines stamped in the window, rotated files included", () => {
    const { dir, expected } = writeTwoServices();
    const all = queryLogFiles(dir, { services: ["web", "api"], filter: {} });
    const oldest = all.find((r) => r.service === "web")?.ts as string;
    const since = iso(1500);
    const until = iso(1560);
    const inWindow = all.filter((r) => (r.ts as string) >= since && (r.ts as string) <= until);
    expect(queryLogFiles(dir, { services: ["web", "api"], filter: { since, until } })).toEqual(inWindow);
    expect(inWindow.length).toBeGreaterThan(10);
    // A window reaching only into web's oldest kept file.
    const early = queryLogFiles(dir, { services: ["web"], filter: { until: oldest } });
    expect(early).toEqual(all.filter((r) => r.service === "web" && (r.ts as string) <= oldest));
    expect(early.length).toBeGreaterThan(0);
    // Nothing outside what was written.
    expect(queryLogFiles(dir, { services: ["web", "api"], filter: { since: iso(10_000) } })).toEqual([]);
    expect(expected.length).toBeGreaterThan(all.length);
  });

  test("--grep and --stderr keep exactly the matching lines; the tail is the last N of the merged result", () => {
    const { dir } = writeTwoServices();
    const all = queryLogFiles(dir, { services: ["web", "api"], filter: {} });
    expect(queryLogFiles(dir, { services: ["web", "api"], filter: { grep: /GET \/x$/ } })).toEqual(all.filter((r) => r.line.endsWith("GET /x")));
    const errors = queryLogFiles(dir, { services: ["web", "api"], filter: { stderrOnly: true } });
    expect(errors).toEqual(all.filter((r) => r.stream === "stderr"));
    expect(errors.every((r) => r.line.includes("ERROR"))).toBe(true);
    expect(errors.length).toBeGreaterThan(0);
    // Plain text is searched in the bytes, a pattern in the decoded text: the same lines either way.
    expect(queryLogFiles(dir, { services: ["web", "api"], filter: { grep: /ERROR disk/ } })).toEqual(all.filter((r) => r.line.includes("ERROR disk")));
    expect(queryLogFiles(dir, { services: ["web", "api"], filter: { grep: /ERROR dis[k]/ } })).toEqual(errors);
    expect(queryLogFiles(dir, { services: ["web", "api"], filter: { grep: /web 1/ }, tail: 5 })).toEqual(all.filter((r) => r.line.includes("web 1")).slice(-5));
    expect(queryLogFiles(dir, { services: ["web", "api"], filter: {}, tail: 7 })).toEqual(all.slice(-7));
    expect(queryLogFiles(dir, { services: ["web", "api"], filter: { grep: / 1 ok$/ }, tail: 3 })).toEqual(all.filter((r) => r.line.endsWith(" 1 ok")).slice(-3));
    expect(queryLogFiles(dir, { services: ["web", "api"], filter: { since: iso(1900) }, tail: 5 })).toEqual(all.slice(-5));
  });

  test("the tail reads back through windows and files: long files, odd line sizes", () => {
    const dir = join(tempDir("canopy-query-"), "logs");
    const files = new LogFiles({ dir, maxSizeBytes: 600_000, maxFiles: 3, timestamps: true });
    open.push(files);
    const lines: string[] = [];
    for (let i = 0; i < 20_000; i++) lines.push(`${i} ${"é".repeat(i % 17)}`);
    for (let i = 0; i < lines.length; i += 100) files.write("s", Buffer.from(lines.slice(i, i + 100).map((l) => `${l}\n`).join("")), { at: T0 + i, stream: "stdout" });
    files.close();
    const all = queryLogFiles(dir, { services: ["s"], filter: {} });
    expect(all.map((r) => r.line)).toEqual(lines.slice(lines.length - all.length));
    expect(all.length).toBeGreaterThan(10_000);
    for (const n of [1, 99, 100, 101, 5_000, all.length, all.length + 10]) {
      expect(queryLogFiles(dir, { services: ["s"], filter: {}, tail: n })).toEqual(all.slice(-n));
    }
    expect(all[0]?.ts).toBe(iso(Math.floor((lines.length - all.length) / 100) * 100));
    expect(all.filter((r) => r.line.includes("9 éééééééééééééééé")).length).toBeGreaterThan(10);
    expect(queryLogFiles(dir, { services: ["s"], filter: { grep: /9 éééééééééééééééé/ } }).map((r) => r.line)).toEqual(all.map((r) => r.line).filter((l) => l.includes("9 éééééééééééééééé")));
    expect(queryLogFiles(dir, { services: ["s"], filter: { grep: /^1\d*9 é{16}$/ } }).map((r) => r.line)).toEqual(all.map((r) => r.line).filter((l) => /^1\d*9 é{16}$/.test(l)));
  });

  test("timestamps off: the file is the bytes alone, no index; lines come back unstamped, and a time window finds none", () => {
    const dir = join(tempDir("canopy-query-"), "logs");
    const files = new LogFiles({ dir, maxSizeBytes: 1 << 20, maxFiles: 2, timestamps: false, batch: true });
    open.push(files);
    const raw = Buffer.from([0x61, 0x1b, 0x5b, 0x32, 0x4a, 0x00, 0xff, 0x0a, 0x62, 0x0a]);
    files.write("raw", raw, { at: T0, stream: "stderr" });
    files.close();
    expect(readdirSync(dir)).toEqual(["raw.log"]);
    expect(Buffer.compare(readFileSync(join(dir, "raw.log")), raw)).toBe(0);
    expect(queryLogFiles(dir, { services: ["raw"], filter: {} })).toEqual([
      { ts: null, service: "raw", stream: null, line: "a\u001b[2J\u0000\ufffd" },
      { ts: null, service: "raw", stream: null, line: "b" },
    ]);
    expect(queryLogFiles(dir, { services: ["raw"], filter: { since: iso(-1000) } })).toEqual([]);
  });

  test("an unknown service or a missing directory answers nothing", () => {
    expect(queryLogFiles(join(tempDir("canopy-query-"), "none"), { services: ["x"], filter: {} })).toEqual([]);
  });
});
