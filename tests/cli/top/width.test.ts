import { expect, test } from "bun:test";
import { fitText, textWidth } from "../../../src/cli/top/width.ts";

test("wide characters take two columns, combining marks none", () => {
  expect(textWidth("abc")).toBe(3);
  expect(textWidth("日本")).toBe(4);
  expect(textWidth("e\u0301")).toBe(1);
});

test("fitText cuts with an ellipsis, pads on request, never exceeds the width", () => {
  expect(fitText("hello world", 8)).toBe("hello w…");
  expect(fitText("hi", 5, true)).toBe("hi   ");
  expect(fitText("日本語", 4)).toBe("日…");
  expect(fitText("日本語", 4, true)).toBe("日… ");
  expect(fitText("abc", 0)).toBe("");
});
