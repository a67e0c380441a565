// The ring keeps each read's time and stream with its lines: LogRing.entries and Supervisor.lines.
import { describe, expect, test } from "bun:test";
import { Supervisor } from "../../src/supervisor.ts";
import { LogRing } from "../../src/supervisor/log-ring.ts";
import { makeFleet, waitFor } from "./helpers.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

describe("LogRing.entries", () => {
  test("every line of a run carries the run's stamp and stream; eviction keeps them with their lines", () => {
    const ring = new LogRing(20);
    ring.pushLines(bytes("a1\na2\n"), 100, "stdout");
    ring.pushLines(bytes("b1\n"), 200, "stderr");
    expect(ring.entries()).toEqual([
      { at: 100, stream: "stdout", text: "a1" },
      { at: 100, stream: "stdout", text: "a2" },
      { at: 200, stream: "stderr", text: "b1" },
    ]);
    ring.pushLines(bytes("c1 long line\nc2\n"), 300, "stdout");
    expect(ring.entries()).toEqual([
      { at: 200, stream: "stderr", text: "b1" },
      { at: 300, stream: "stdout", text: "c1 long line" },
      { at: 300, stream: "stdout", text: "c2" },
    ]);
    expect(ring.entries(1)).toEqual([{ at: 300, stream: "stdout", text: "c2" }]);
    expect(ring.snapshot()).toEqual(["b1\n", "c1 long line\n", "c2\n"]);
  });

  test("stamps stay aligned after the run list is compacted", () => {
    const ring = new LogRing(10);
    for (let i = 0; i < 5000; i++) ring.pushLines(bytes(`${i % 10}\n`), i, i % 2 ? "stderr" : "stdout");
    expect(ring.entries()).toEqual([4995, 4996, 4997, 4998, 4999].map((i) => ({ at: i, stream: i % 2 ? "stderr" : "stdout", text: String(i % 10) })));
  });
});

test("Supervisor.lines: the time (from `now`) and stream of each read, beside the seed's `[name] line` logs", async () => {
  const fleet = makeFleet();
  let clock = 1_000;
  const sup = new Supervisor({ spawnFn: fleet.spawn, killFn: fleet.killFn, output: null, now: () => clock });
  await sup.start({ short: "svc", cmd: ["x"] });
  fleet.last().emitStdout("one\ntwo\n");
  await waitFor(() => sup.logs("svc")?.length === 2, "the first read");
  clock = 2_000;
  fleet.last().emitStderr("three\n");
  await waitFor(() => sup.logs("svc")?.length === 3, "the second read");
  expect(sup.lines("svc")).toEqual([
    { at: 1_000, stream: "stdout", text: "one" },
    { at: 1_000, stream: "stdout", text: "two" },
    { at: 2_000, stream: "stderr", text: "three" },
  ]);
  expect(sup.logs("svc")).toEqual(["[svc] one\n", "[svc] two\n", "[svc] three\n"]);
  expect(sup.lines("nope")).toBeUndefined();
  await sup.stop("svc");
});
