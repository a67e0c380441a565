// A service's output through the Supervisor (fake child): prefixed lines to `output`, the
// log ring and `onLog`, with chunking, multi-byte text and unterminated lines.
import { describe, expect, test } from "bun:test";
import { type LogLine, Supervisor } from "../../src/supervisor.ts";
import { MAX_LINE_BYTES } from "../../src/supervisor/line-splitter.ts";
import { makeFleet, waitFor } from "./helpers.ts";

function setup() {
  const fleet = makeFleet();
  const output: string[] = [];
  const logLines: Omit<LogLine, "bytes">[] = [];
  const sup = new Supervisor({
    spawnFn: fleet.spawn,
    killFn: fleet.killFn,
    output: (l) => output.push(l),
    // A line's bytes are a view valid only during the call: keep what it says.
    onLog: (l) => logLines.push({ service: l.service, stream: l.stream, text: l.text, at: l.at }),
    now: () => 42,
  });
  return { fleet, output, logLines, sup };
}

describe("service output", () => {
  test("a multi-byte line split inside its characters reaches logs, output and onLog intact", async () => {
    const { fleet, output, logLines, sup } = setup();
    await sup.start({ short: "utf", cmd: ["x"] });
    const bytes = new TextEncoder().encode("héllo €🌲\n");
    // One byte per chunk: every character is split at every one of its inner offsets.
    for (const b of bytes) fleet.last().emitStdout(Uint8Array.of(b));
    await waitFor(() => logLines.length === 1, "the stdout line");
    fleet.last().emitStderr("oops\n"); // stdout and stderr are not ordered against each other
    await waitFor(() => logLines.length === 2, "both lines");

    expect(sup.logs("utf")).toEqual(["[utf] héllo €🌲\n", "[utf] oops\n"]);
    expect(output).toEqual(["[utf] héllo €🌲\n", "[utf] oops\n"]);
    expect(logLines).toEqual([
      { service: "utf", stream: "stdout", text: "héllo €🌲", at: 42 },
      { service: "utf", stream: "stderr", text: "oops", at: 42 },
    ]);
  });

  test("an unterminated last line is flushed when the child's streams close", async () => {
    const { fleet, sup } = setup();
    await sup.start({ short: "tail", cmd: ["x"], restart: "never" });
    fleet.last().emitStdout("done\nno newline at the end");
    await waitFor(() => (sup.logs("tail") ?? []).length === 1, "the complete line");
    fleet.exit(fleet.last(), 0); // closes the streams
    await waitFor(() => (sup.logs("tail") ?? []).length === 2, "the flushed partial line");
    expect(sup.logs("tail")).toEqual(["[tail] done\n", "[tail] no newline at the end\n"]);
  });

  test("a line over 64 KiB arrives as prefixed pieces of at most 64 KiB, in order", async () => {
    const { fleet, output, sup } = setup();
    await sup.start({ short: "wide", cmd: ["x"] });
    const line = "ab€".repeat(30_000); // 150 000 bytes
    fleet.last().emitStdout(`${line}\n`);
    await waitFor(() => output.join("").length >= line.length, "the pieces");
    const texts = output.map((l) => {
      expect(l.startsWith("[wide] ") && l.endsWith("\n")).toBe(true);
      return l.slice("[wide] ".length, -1);
    });
    expect(texts.join("")).toBe(line);
    expect(texts.map((t) => Buffer.byteLength(t) <= MAX_LINE_BYTES)).toEqual(texts.map(() => true));
    expect(texts).toHaveLength(3);
  });

  test("supervisor notices go to output but not into the service's logs", async () => {
    const { fleet, output, sup } = setup();
    await sup.start({ short: "quiet", cmd: ["x"], restart: "never" });
    fleet.exit(fleet.last(), 2);
    await waitFor(() => sup.get("quiet")?.status === "crashed", "the crash");
    expect(output).toEqual(['[quiet] exited with code 2; restart policy "never", not restarting\n']);
    expect(sup.logs("quiet")).toEqual([]);
  });
});
