import { describe, expect, test } from "bun:test";
import { configError, formatProblem, LISTED_PROBLEMS } from "../../src/config/format.ts";

describe("formatProblem", () => {
  test.each([
    [{ service: "api", field: "port", message: "bad", line: 7 }, 'c.yaml:7: service "api", field "port": bad'],
    [{ service: "api", field: "port", message: "bad" }, 'c.yaml: service "api", field "port": bad'],
    [{ service: "Api", field: "", message: "bad name" }, 'c.yaml: service "Api": bad name'],
    [{ field: "logs.max_files", message: "bad", line: 2 }, 'c.yaml:2: field "logs.max_files": bad'],
    [{ field: "", message: "not a mapping" }, "c.yaml: not a mapping"],
  ])("%j", (problem, text) => {
    expect(formatProblem("c.yaml", problem)).toBe(text);
  });
});

describe("configError", () => {
  test("one problem is one line; several get a count and one indented line each", () => {
    const one = configError("/abs/c.yaml", "c.yaml", [{ field: "x", message: "m" }]);
    expect(one.error_type).toBe("invalid_config");
    expect(one.message).toBe('c.yaml: field "x": m');
    expect(one.details).toEqual({ file: "/abs/c.yaml", problems: [{ field: "x", message: "m" }] });
    const two = configError("/abs/c.yaml", "c.yaml", [{ field: "x", message: "m" }, { field: "y", message: "n", line: 3 }]);
    expect(two.message).toBe('c.yaml: 2 problems\n  c.yaml: field "x": m\n  c.yaml:3: field "y": n');
  });

  test("a long list names the first problems and counts the rest; the details keep every one", () => {
    const problems = Array.from({ length: 2000 }, (_, i) => ({ service: `s${i}`, field: "cmd", message: "missing", line: i + 2 }));
    const err = configError("/abs/c.yaml", "c.yaml", problems);
    const lines = err.message.split("\n");
    expect(lines[0]).toBe("c.yaml: 2000 problems");
    expect(lines.slice(1, -1)).toEqual(problems.slice(0, LISTED_PROBLEMS).map((p) => `  ${formatProblem("c.yaml", p)}`));
    expect(lines.at(-1)).toBe(`  … and ${2000 - LISTED_PROBLEMS} more`);
    expect(err.details).toEqual({ file: "/abs/c.yaml", problems });
    // Exactly the limit: no count line.
    expect(configError("/abs/c.yaml", "c.yaml", problems.slice(0, LISTED_PROBLEMS)).message.split("\n")).toHaveLength(LISTED_PROBLEMS + 1);
  });
});
