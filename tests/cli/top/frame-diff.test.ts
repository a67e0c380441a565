import { expect, test } from "bun:test";
import { diffFrames } from "../../../src/cli/top/frame-diff.ts";

test("the first frame clears the screen and writes every non-empty row", () => {
  expect(diffFrames(undefined, ["a", "", "c"])).toBe("\x1b[H\x1b[2J\x1b[1;1Ha\x1b[0m\x1b[K\x1b[3;1Hc\x1b[0m\x1b[K");
});

test("an identical frame writes nothing; unchanged rows are not touched", () => {
  expect(diffFrames(["a", "b"], ["a", "b"])).toBe("");
  expect(diffFrames(["a", "b", "c"], ["a", "B", "c"])).toBe("\x1b[2;1HB");
});

test("a row of the same width: only the stretch that changed, at its column", () => {
  expect(diffFrames(["web  running  12s  0.0%"], ["web  running  13s  0.0%"])).toBe("\x1b[1;16H3");
  expect(diffFrames(["web  running  12s  0.0%"], ["web  running  19s  0.1%"])).toBe("\x1b[1;16H9s  0.1");
});

test("a row that got shorter or longer: from the first change to its end, then the rest cleared", () => {
  expect(diffFrames(["uptime 59s x"], ["uptime 1m x"])).toBe("\x1b[1;8H1m x\x1b[K");
});

test("colour is carried into a partial rewrite, and reset after it", () => {
  const prev = ["a \x1b[32mrunning\x1b[39m 1"];
  const next = ["a \x1b[33mwaiting\x1b[39m 1"];
  expect(diffFrames(prev, next)).toBe("\x1b[1;3H\x1b[0m\x1b[33mwaiting\x1b[0m");
  // A change after a coloured cell, outside it, carries no colour.
  expect(diffFrames(["\x1b[32mok\x1b[39m 1"], ["\x1b[32mok\x1b[39m 2"])).toBe("\x1b[1;4H2");
  // Inside an inverse row, the change keeps the inverse and its own colour.
  expect(diffFrames(["\x1b[7m> \x1b[32mup\x1b[39m 1\x1b[27m"], ["\x1b[7m> \x1b[32mup\x1b[39m 2\x1b[27m"])).toBe("\x1b[1;6H\x1b[0m\x1b[7m2\x1b[0m");
});

test("wide characters count two columns for where a change starts", () => {
  expect(diffFrames(["日本 1"], ["日本 2"])).toBe("\x1b[1;6H2");
});

test("rows the new frame lacks are cleared", () => {
  expect(diffFrames(["a", "b", "c"], ["a"])).toBe("\x1b[2;1H\x1b[K\x1b[3;1H\x1b[K");
});
