import { describe, expect, test } from "bun:test";
import { CanopyError } from "../../src/errors.ts";
import { parseDotenv } from "../../src/config/dotenv.ts";
import { thrown } from "./tmp.ts";

describe("parseDotenv", () => {
  test("KEY=VALUE, export, comments, blank lines, spaces around =", () => {
    const text = ["# a comment", "", "A=1", "export B=two", "  C = three  ", "D=", "E=x # trailing comment", "F=a#b", "G=#nope"].join("\n");
    expect(parseDotenv(text)).toEqual({ A: "1", B: "two", C: "three", D: "", E: "x", F: "a#b", G: "" });
  });

  test("single quotes are literal, double quotes take escapes", () => {
    const text = String.raw`S='a\nb # not a comment'
D="line1\nline2\t\"q\" \\ \x"
E="" # empty`;
    expect(parseDotenv(text)).toEqual({ S: String.raw`a\nb # not a comment`, D: 'line1\nline2\t"q" \\ \\x', E: "" });
  });

  test("a double-quoted value may span lines; CRLF is accepted", () => {
    expect(parseDotenv('KEY="first\r\nsecond"\r\nNEXT=1\r\n')).toEqual({ KEY: "first\nsecond", NEXT: "1" });
  });

  test("a later duplicate wins, and __proto__ is just a key", () => {
    const vars = parseDotenv("A=1\nA=2\n__proto__=x\n");
    expect(vars.A).toBe("2");
    expect(Object.getOwnPropertyDescriptor(vars, "__proto__")?.value).toBe("x");
    expect(Object.getPrototypeOf(vars)).toBe(Object.prototype);
  });

  test.each([
    ["A=1\nnot a line\n", 2, 'line 2: expected KEY=VALUE, got "not a line"'],
    ["A=1\n1BAD=x\n", 2, 'line 2: expected KEY=VALUE, got "1BAD=x"'],
    ['A=1\nB="open\nC=2\n', 2, "line 2: unterminated double-quoted value for B"],
    ["X='open\n", 1, "line 1: unterminated single-quoted value for X"],
    ['Q="done" extra\n', 1, 'line 1: unexpected text after the closing quote of Q: "extra"'],
  ])("rejects %p at line %p", (text, line, message) => {
    const err = thrown(() => parseDotenv(text)) as CanopyError;
    expect(err).toBeInstanceOf(CanopyError);
    expect(err.error_type).toBe("invalid_config");
    expect(err.message).toBe(message);
    expect(err.details.line).toBe(line);
  });
});
