import { expect, test } from "bun:test";
import { diffFrames } from "../../../src/cli/top/frame-diff.ts";

test("the first frame clears the screen and writes every non-empty row", () => {
  expect(diffFrames(undefined, ["a", "", "c"])).toBe("\x1b[H\x1b[2J\x1b[1;1Ha\x1b[0m\x1b[K\x1b[3;1Hc\x1b[0m\x1b[K");
});

test("only changed rows are written; an identical frame writes nothing", () => {
  expect(diffFrames(["a", "b", "c"], ["a", "B", "c"])).toBe("\x1b[2;1HB\x1b[0m\x1b[K");
  expect(diffFrames(["a", "b"], ["a", "b"])).toBe("");
});

test("rows the new frame lacks are cleared", () => {
  expect(diffFrames(["a", "b", "c"], ["a"])).toBe("\x1b[2;1H\x1b[K\x1b[3;1H\x1b[K");
});
