import { describe, expect, test } from "bun:test";
import { keyAction, parseKeys } from "../../../src/cli/top/keys.ts";

describe("parseKeys", () => {
  test("arrows (both cursor-key modes), paging, Enter, Ctrl-C and characters in one read", () => {
    expect(parseKeys("\x1b[A\x1bOB\x1b[5~\x1b[6~\rj\x03é😀")).toEqual(["up", "down", "pageup", "pagedown", "enter", { char: "j" }, "ctrl-c", { char: "é" }, { char: "😀" }]);
  });

  test("a lone ESC is Escape; an unknown sequence is dropped, not typed", () => {
    expect(parseKeys("\x1b")).toEqual(["escape"]);
    expect(parseKeys("\x1b[15~x")).toEqual([{ char: "x" }]);
    expect(parseKeys("\x7f")).toEqual(["backspace"]);
  });
});

describe("keyAction", () => {
  test("normal mode: every key in the help does what it says", () => {
    const act = (k: string) => keyAction(parseKeys(k)[0] ?? "escape", "normal");
    expect(act("\x1b[A")).toEqual({ type: "move", by: -1 });
    expect(act("k")).toEqual({ type: "move", by: -1 });
    expect(act("j")).toEqual({ type: "move", by: 1 });
    expect(act("\x1b[B")).toEqual({ type: "move", by: 1 });
    expect(act("\r")).toEqual({ type: "toggleLogs" });
    expect(act("s")).toEqual({ type: "start" });
    expect(act("x")).toEqual({ type: "stop" });
    expect(act("r")).toEqual({ type: "restart" });
    expect(act("R")).toEqual({ type: "reload" });
    expect(act("a")).toEqual({ type: "allLogs" });
    expect(act("/")).toEqual({ type: "filter" });
    expect(act("?")).toEqual({ type: "help" });
    expect(act("q")).toEqual({ type: "quit" });
    expect(act("\x03")).toEqual({ type: "quit" });
    expect(act("z")).toEqual({ type: "none" });
  });

  test("confirm mode: only y says yes; n, Esc and q say no; other keys do nothing", () => {
    expect(keyAction({ char: "y" }, "confirm")).toEqual({ type: "answer", yes: true });
    for (const k of [{ char: "n" }, "escape", { char: "q" }] as const) expect(keyAction(k, "confirm")).toEqual({ type: "answer", yes: false });
    expect(keyAction({ char: "r" }, "confirm")).toEqual({ type: "none" });
  });

  test("filter mode: characters are typed, not acted on; Enter keeps, Esc clears; Ctrl-C still quits", () => {
    expect(keyAction({ char: "q" }, "filter")).toEqual({ type: "filterInput", text: "q" });
    expect(keyAction({ char: "x" }, "filter")).toEqual({ type: "filterInput", text: "x" });
    expect(keyAction("backspace", "filter")).toEqual({ type: "filterBackspace" });
    expect(keyAction("enter", "filter")).toEqual({ type: "filterDone", keep: true });
    expect(keyAction("escape", "filter")).toEqual({ type: "filterDone", keep: false });
    expect(keyAction("ctrl-c", "filter")).toEqual({ type: "quit" });
  });

  test("help mode: any key closes it, q quits", () => {
    expect(keyAction({ char: "j" }, "help")).toEqual({ type: "closeHelp" });
    expect(keyAction({ char: "q" }, "help")).toEqual({ type: "quit" });
  });
});
