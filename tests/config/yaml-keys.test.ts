import { describe, expect, test } from "bun:test";
import { yamlKeyLines } from "../../src/config/yaml-keys.ts";

describe("yamlKeyLines", () => {
  test("lists block keys with their paths and lines", () => {
    const text = [
      "# top comment", //            1
      "services:", //                 2
      "  api:", //                    3
      "    cmd: [bun, x.ts]", //      4
      '    "env":', //                5
      "      A: 1", //                6
      "  'web':", //                  7
      "    cmd: |", //                8
      "      not: a key", //          9
      "    port: 80", //              10
      "logs:", //                     11
      "  max_size: 10MB # c", //      12
    ].join("\n");
    expect(yamlKeyLines(text)).toEqual([
      { path: ["services"], line: 2 },
      { path: ["services", "api"], line: 3 },
      { path: ["services", "api", "cmd"], line: 4 },
      { path: ["services", "api", "env"], line: 5 },
      { path: ["services", "api", "env", "A"], line: 6 },
      { path: ["services", "web"], line: 7 },
      { path: ["services", "web", "cmd"], line: 8 },
      { path: ["services", "web", "port"], line: 10 },
      { path: ["logs"], line: 11 },
      { path: ["logs", "max_size"], line: 12 },
    ]);
  });

  test("skips the inside of flow collections that span lines", () => {
    const text = "svc:\n  cmd: [\n    'a: b',\n    c: d,\n  ]\n  port: 1\n";
    expect(yamlKeyLines(text).map((k) => k.path.join("."))).toEqual(["svc", "svc.cmd", "svc.port"]);
  });

  test("sequence items start new mappings, so equal keys in two items are not duplicates", () => {
    const text = "list:\n  - a: 1\n    b: 2\n  - a: 3\n";
    const keys = yamlKeyLines(text);
    expect(keys.map((k) => [k.path.join("."), k.line, k.duplicateOf])).toEqual([
      ["list", 1, undefined],
      ["list.a", 2, undefined],
      ["list.b", 3, undefined],
      ["list.a", 4, undefined],
    ]);
  });

  test("marks a key repeated in the same mapping, with the first line", () => {
    const text = "services:\n  api:\n    cmd: a\n    cmd: b\n  api:\n    cmd: c\n";
    const dups = yamlKeyLines(text).filter((k) => k.duplicateOf !== undefined);
    expect(dups).toEqual([
      { path: ["services", "api", "cmd"], line: 4, duplicateOf: 3 },
      { path: ["services", "api"], line: 5, duplicateOf: 2 },
    ]);
  });

  test("CRLF line ends and a document marker are handled", () => {
    expect(yamlKeyLines("---\r\na:\r\n  b: 1\r\n")).toEqual([
      { path: ["a"], line: 2 },
      { path: ["a", "b"], line: 3 },
    ]);
  });
});

describe("yamlKeyLines with a byte order mark", () => {
  test("the BOM is not part of the first key", () => {
    expect(yamlKeyLines("\uFEFFservices:\n  api: {}\n")).toEqual([
      { path: ["services"], line: 1 },
      { path: ["services", "api"], line: 2 },
    ]);
  });
});
