import { describe, expect, test } from "bun:test";
import { tomlKeyLines } from "../../src/config/toml-keys.ts";

describe("tomlKeyLines", () => {
  test("lists table headers and keys with their full paths", () => {
    const text = [
      "[services.api]", //                1
      'cmd = ["bun", "x.ts"]', //         2
      "port = 80 # web", //               3
      "", //                              4
      '[services."web"]', //              5
      "cmd = '''", //                     6
      "not = a key", //                   7
      "'''", //                           8
      "env.A = 1", //                     9
      "[ logs ]", //                      10
      "max_size = \"10MB\"", //           11
    ].join("\n");
    expect(tomlKeyLines(text)).toEqual([
      { path: ["services", "api"], line: 1 },
      { path: ["services", "api", "cmd"], line: 2 },
      { path: ["services", "api", "port"], line: 3 },
      { path: ["services", "web"], line: 5 },
      { path: ["services", "web", "cmd"], line: 6 },
      { path: ["services", "web", "env", "A"], line: 9 },
      { path: ["logs"], line: 10 },
      { path: ["logs", "max_size"], line: 11 },
    ]);
  });

  test("skips the inside of multi-line arrays and finds inline service tables", () => {
    const text = '[services]\napi = { cmd = "x" }\nweb = [\n  "a = b",\n]\nlast = 1\n';
    expect(tomlKeyLines(text).map((k) => [k.path.join("."), k.line])).toEqual([
      ["services", 1],
      ["services.api", 2],
      ["services.web", 3],
      ["services.last", 6],
    ]);
  });
});
