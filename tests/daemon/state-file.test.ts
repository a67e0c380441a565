import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readStateFile, writeStateFile, type DaemonStateFile } from "../../src/daemon/state-file.ts";
import { BUN, cleanupTempDirs, SRC_DAEMON, tempDir } from "./helpers.ts";

afterAll(cleanupTempDirs);

function sample(services = 2): DaemonStateFile {
  const state: DaemonStateFile = {
    version: 1,
    daemonPid: 1234,
    startedAt: "2026-11-27T13:22:18.123Z",
    configFile: "/home/ann/demo/canopy.yml",
    services: {},
  };
  for (let i = 0; i < services; i++) {
    state.services[`svc-${i}`] = { pid: 2000 + i, pgid: 2000 + i, startTime: String(900000 + i), cmd: ["node", "server.js", `--n=${i}`] };
  }
  return state;
}

describe("writeStateFile / readStateFile", () => {
  test("round-trips, mode 0600, no temp file left", () => {
    const dir = tempDir();
    const path = join(dir, "state.json");
    writeStateFile(path, sample());
    expect(readStateFile(path)).toEqual(sample());
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(["state.json"]);
  });

  test("replaces an existing file and fixes a leftover temp file's mode", () => {
    const dir = tempDir();
    const path = join(dir, "state.json");
    writeFileSync(`${path}.tmp-${process.pid}`, "junk from a crash");
    chmodSync(`${path}.tmp-${process.pid}`, 0o644);
    writeStateFile(path, sample(1));
    writeStateFile(path, sample(3));
    expect(Object.keys(readStateFile(path)!.services)).toEqual(["svc-0", "svc-1", "svc-2"]);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(["state.json"]);
  });

  test("a failed write leaves the old file in place", () => {
    const dir = tempDir();
    const path = join(dir, "state.json");
    writeStateFile(path, sample(1));
    mkdirSync(`${path}.tmp-${process.pid}`); // the temp name is taken by a directory: open fails
    expect(() => writeStateFile(path, sample(5))).toThrow();
    expect(readStateFile(path)).toEqual(sample(1));
  });

  test("missing, corrupt, wrong-version or ill-shaped files read as undefined", () => {
    const dir = tempDir();
    const path = join(dir, "state.json");
    expect(readStateFile(path)).toBeUndefined();
    const bad: unknown[] = [
      "{ not json",
      "",
      "null",
      "[]",
      { ...sample(), version: 2 },
      { ...sample(), daemonPid: "1234" },
      { ...sample(), services: { web: { pid: 1, pgid: 1, startTime: 5, cmd: ["x"] } } },
      { ...sample(), services: { web: { pid: 1, pgid: 1, startTime: "5", cmd: "x" } } },
      { ...sample(), services: { web: { pid: 0, pgid: 1, startTime: "5", cmd: [] } } },
      { ...sample(), services: { web: { pid: 1, pgid: 1, startTime: "abc", cmd: [] } } },
    ];
    for (const content of bad) {
      writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
      expect(readStateFile(path)).toBeUndefined();
    }
    expect(readStateFile(dir)).toBeUndefined(); // a directory: EISDIR, still no throw
  });

  test("a reader racing a writer process never sees a partial file", async () => {
    const dir = tempDir();
    const path = join(dir, "state.json");
    writeStateFile(path, sample(1));
    const script = `
      import { writeStateFile } from ${JSON.stringify(join(SRC_DAEMON, "state-file.ts"))};
      const big = (n) => ({ version: 1, daemonPid: process.pid, startedAt: "x", configFile: "/c",
        services: Object.fromEntries(Array.from({ length: n }, (_, i) => [\`s\${i}\`, { pid: i + 1, pgid: i + 1, startTime: "7", cmd: ["a".repeat(100)] }])) });
      for (let i = 0; i < 200; i++) writeStateFile(process.env.STATE, big(i % 2 ? 2000 : 10));
    `;
    const writer = Bun.spawn([BUN, "-e", script], { env: { ...process.env, STATE: path }, stderr: "pipe" });
    let reads = 0;
    let bad = 0;
    let done = false;
    void writer.exited.then(() => (done = true));
    while (!done) {
      if (readStateFile(path) === undefined) bad++;
      reads++;
      await new Promise((r) => setImmediate(r));
    }
    expect(await writer.exited).toBe(0);
    expect(reads).toBeGreaterThan(10);
    expect(bad).toBe(0);
    expect(Object.keys(readStateFile(path)!.services).length).toBe(2000);
    expect(existsSync(`${path}.tmp-${writer.pid}`)).toBe(false);
    expect(readFileSync(path, "utf8").endsWith("}\n")).toBe(true);
  });
});
