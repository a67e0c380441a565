import { describe, expect, test } from "bun:test";
import { duplicateKeyProblems, makeLocator } from "../../src/config/locate.ts";

const YAML = ["services:", "  api:", "    cmd: x", "    env: { A: 1 }", "logs:", "  max_files: 2", ""].join("\n");

describe("makeLocator", () => {
  const locate = makeLocator(YAML, "yaml");
  test("finds a service, a field, and a top-level field", () => {
    expect(locate({ service: "api", field: "" })).toBe(2);
    expect(locate({ service: "api", field: "cmd" })).toBe(3);
    expect(locate({ field: "logs.max_files" })).toBe(6);
  });
  test("falls back to the nearest enclosing key", () => {
    expect(locate({ service: "api", field: "port" })).toBe(2);
    expect(locate({ service: "api", field: "env.A" })).toBe(4);
    expect(locate({ service: "api", field: "cmd[1]" })).toBe(3);
    expect(locate({ service: "nope", field: "cmd" })).toBe(1);
  });
  test("finds nothing for a file-level problem or for JSON", () => {
    expect(locate({ field: "" })).toBeUndefined();
    expect(makeLocator('{"services": {"api": {}}}', "json")({ service: "api", field: "" })).toBeUndefined();
  });
  test("works for TOML", () => {
    expect(makeLocator("[services.api]\ncmd = 'x'\nport = 0\n", "toml")({ service: "api", field: "port" })).toBe(3);
  });
});

describe("duplicateKeyProblems", () => {
  test("reports a service written twice and a field written twice", () => {
    const text = "services:\n  api:\n    cmd: a\n    cmd: b\n  api:\n    cmd: c\nlogs:\n  max_files: 1\n  max_files: 2\n";
    expect(duplicateKeyProblems(text, "yaml")).toEqual([
      { service: "api", field: "cmd", message: "written twice (first on line 3); remove or rename one", line: 4 },
      { service: "api", field: "", message: "defined twice (first on line 2); rename or remove one", line: 5 },
      { field: "logs.max_files", message: "written twice (first on line 8); remove or rename one", line: 9 },
    ]);
  });
  test("only YAML is scanned (TOML parsers refuse duplicates themselves)", () => {
    expect(duplicateKeyProblems("a = 1\na = 2\n", "toml")).toEqual([]);
  });
});
