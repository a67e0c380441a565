/** Per-service counters: lines by newline, restarts, drops. */
import { expect, test } from "bun:test";
import { countLines, ServiceCounters } from "../../src/metrics/service-counters.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

test("countLines counts newlines: a run of whole lines, an empty run, a lone newline", () => {
  expect([countLines(bytes("a\nbb\n\nccc\n")), countLines(bytes("")), countLines(bytes("\n")), countLines(bytes("no newline"))]).toEqual([
    4, 0, 1, 0,
  ]);
});

test("countLines counts only \\n, within a view of a larger chunk (as runs arrive)", () => {
  const chunk = bytes("skip\nme\na\rb\nc\u2028d\n" + "x".repeat(70_000) + "\n");
  const run = chunk.subarray(8);
  expect(countLines(run)).toBe(3);
  expect(countLines(run.subarray(0, 3))).toBe(0); // "a\rb": the newline just past the view is not counted
});

test("counts per service and stream; an unknown service reads as zeros", () => {
  const c = new ServiceCounters();
  c.lines("web", "stdout", bytes("a\nb\n"));
  c.lines("web", "stderr", bytes("e\n"));
  c.lines("web", "stdout", bytes("c\n"));
  c.restarted("web");
  c.dropped("web", 5);
  c.dropped("web");
  expect(c.get("web")).toEqual({ restarts: 1, stdout: 3, stderr: 1, dropped: 6 });
  expect(c.get("other")).toEqual({ restarts: 0, stdout: 0, stderr: 0, dropped: 0 });
});
