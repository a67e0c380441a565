import { describe, expect, test } from "bun:test";
import { CanopyError } from "../../src/errors.ts";
import { formatOf, locateSyntaxError, parseConfigText } from "../../src/config/parse.ts";
import { thrown } from "./tmp.ts";

describe("formatOf", () => {
  test.each([
    ["/a/canopy.yaml", "yaml"],
    ["/a/canopy.YML", "yaml"],
    ["/a/canopy.toml", "toml"],
    ["/a/canopy.json", "json"],
    ["/a/canopyrc", "yaml"],
  ] as const)("%p is %p", (path, format) => {
    expect(formatOf(path)).toBe(format);
  });
});

describe("parseConfigText", () => {
  test("parses each format to the same value", () => {
    const expected = { services: { api: { cmd: ["bun", "x.ts"], port: 80 } } };
    expect(parseConfigText("services:\n  api:\n    cmd: [bun, x.ts]\n    port: 80\n", "yaml", "f")).toEqual(expected);
    expect(parseConfigText('[services.api]\ncmd = ["bun", "x.ts"]\nport = 80\n', "toml", "f")).toEqual(expected);
    expect(parseConfigText('{"services":{"api":{"cmd":["bun","x.ts"],"port":80}}}', "json", "f")).toEqual(expected);
  });

  test("a UTF-8 byte order mark is ignored", () => {
    expect(parseConfigText('\uFEFF{"services":{}}', "json", "f")).toEqual({ services: {} });
  });

  test("a YAML syntax error names the file and the failing line", () => {
    const text = "services:\n  api:\n    cmd: [bun, x.ts\n    port: 80\n";
    const err = thrown(() => parseConfigText(text, "yaml", "/abs/canopy.yaml", "canopy.yaml")) as CanopyError;
    expect(err).toBeInstanceOf(CanopyError);
    expect(err.error_type).toBe("invalid_config");
    expect(err.message).toStartWith("canopy.yaml:3: cannot parse YAML: YAML Parse error:");
    expect(err.details.file).toBe("/abs/canopy.yaml");
    expect(err.details.line).toBe(3);
  });

  test("a tab used as YAML indentation is reported on its line", () => {
    const text = "services:\n  api:\n    cmd: x\n\tport: 1\n";
    const err = thrown(() => parseConfigText(text, "yaml", "c.yaml")) as CanopyError;
    expect(err.message).toBe("c.yaml:4: cannot parse YAML: YAML Parse error: Tab characters cannot be used as indentation");
  });

  test("a TOML syntax error names the file and line", () => {
    const text = "[services.api]\ncmd = \"x\"\nport = \n";
    const err = thrown(() => parseConfigText(text, "toml", "canopy.toml")) as CanopyError;
    expect(err.message).toStartWith("canopy.toml:3: cannot parse TOML: TOML Parse error:");
    expect(err.details.line).toBe(3);
  });

  test("a JSON syntax error names the file (Bun gives no position)", () => {
    const err = thrown(() => parseConfigText('{"services": }', "json", "canopy.json")) as CanopyError;
    expect(err.message).toStartWith("canopy.json: cannot parse JSON: JSON Parse error:");
    expect(err.details.line).toBeUndefined();
  });
});

describe("locateSyntaxError", () => {
  const yaml = (text: string) => Bun.YAML.parse(text);
  test("finds the line after the longest prefix that parses", () => {
    expect(locateSyntaxError("a: 1\nb: 2\nc: : :\nd: 4\n", yaml)).toBe(3);
    expect(locateSyntaxError("a: [\n  1,\n  2\n]\nb: 'open\nc: 1\n", yaml)).toBe(5);
  });
  test("an unclosed bracket is reported where it opens", () => {
    expect(locateSyntaxError("a: 1\nb: [1,\n\n# note\n", yaml)).toBe(2);
  });
});
