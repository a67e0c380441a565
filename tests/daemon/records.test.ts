// ServiceRecords: state.json follows the children, written once per tick of changes.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ServiceRecords } from "../../src/daemon/records.ts";
import { readStateFile } from "../../src/daemon/state-file.ts";
import type { Supervisor, SupervisorEvent } from "../../src/supervisor.ts";
import { cleanupTempDirs, tempDir } from "./helpers.ts";

afterAll(cleanupTempDirs);

/** The two things ServiceRecords asks a Supervisor. */
const supervisor = {
  markOf: (name: string) => `t0ken:${name}:1`,
  request: (name: string) => ({ cmd: ["run", name] }),
} as unknown as Supervisor;

const started = (service: string): SupervisorEvent => ({ type: "started", service, pid: process.pid, at: new Date().toISOString() });
const exited = (service: string) => ({ type: "exited", service, at: new Date().toISOString() }) as unknown as SupervisorEvent;

/** Records whose deferred writes wait in `queue` until the test runs them. */
function deferred(file: string) {
  const queue: (() => void)[] = [];
  const records = new ServiceRecords(file, "/etc/canopy.yaml", (write) => queue.push(write));
  const runQueue = () => {
    for (const write of queue.splice(0)) write();
  };
  return { records, queue, runQueue };
}

describe("ServiceRecords", () => {
  test("many changes in one tick are written once, together", () => {
    const file = join(tempDir(), "state.json");
    const { records, queue, runQueue } = deferred(file);
    for (const name of ["a", "b", "c"]) records.apply(started(name), supervisor);
    records.apply(exited("b"), supervisor);
    expect(queue.length).toBe(1);
    expect(existsSync(file)).toBe(false);
    runQueue();
    const doc = readStateFile(file);
    expect(Object.keys(doc?.services ?? {}).sort()).toEqual(["a", "c"]);
    expect(doc?.services.a).toMatchObject({ pid: process.pid, cmd: ["run", "a"], mark: "t0ken:a:1" });
    expect(doc?.configFile).toBe("/etc/canopy.yaml");
    // The next change schedules a new write.
    records.apply(exited("a"), supervisor);
    expect(queue.length).toBe(1);
    runQueue();
    expect(Object.keys(readStateFile(file)?.services ?? {})).toEqual(["c"]);
  });

  test("a write made now (shutdown's clear) makes the pending one a no-op", () => {
    const file = join(tempDir(), "state.json");
    const { records, queue, runQueue } = deferred(file);
    records.apply(started("a"), supervisor);
    records.clear();
    expect(readStateFile(file)?.services).toEqual({});
    // The pending write must not write again: remove the file and see it stay gone.
    rmSync(file);
    expect(queue.length).toBe(1);
    runQueue();
    expect(existsSync(file)).toBe(false);
  });

  test("by default the write comes on the next turn of the event loop", async () => {
    const file = join(tempDir(), "state.json");
    const records = new ServiceRecords(file, "/etc/canopy.yaml");
    records.apply(started("a"), supervisor);
    expect(existsSync(file)).toBe(false);
    await new Promise((r) => setImmediate(r));
    expect(Object.keys(readStateFile(file)?.services ?? {})).toEqual(["a"]);
  });
});
