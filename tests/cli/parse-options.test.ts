/** parseOptions reads every command line as node:util's parseArgs (strict, positionals) does: same values, same refusals. */
import { describe, expect, test } from "bun:test";
import { parseArgs } from "node:util";
import { COMMAND_OPTIONS } from "../../src/cli/args.ts";
import { OptionError, type OptionSpec, parseOptions } from "../../src/cli/parse-options.ts";

const OPTIONS: Record<string, OptionSpec> = {
  config: { type: "string", short: "c" },
  host: { type: "string", short: "H", multiple: true },
  help: { type: "boolean", short: "h" },
  follow: { type: "boolean", short: "f" },
  lines: { type: "string", short: "n" },
  json: { type: "boolean" },
  "dry-run": { type: "boolean" },
  name: { type: "string", multiple: true },
};

const LINES: string[][] = [
  [],
  ["status"],
  ["-c", "a.yaml", "status", "web", "api"],
  ["--config", "a.yaml", "--json"],
  ["--config=a.yaml", "--lines=5"],
  ["--config="],
  ["-n5", "-f"],
  ["-fn", "5"],
  ["-fn5"],
  ["-fhn", "7", "x"],
  ["-H", "a", "--host", "b", "-Hc"],
  ["--name", "x", "--name=y"],
  ["-c", "-"],
  ["-", "x"],
  ["--", "-c", "--json", "x"],
  ["x", "--", "--"],
  ["-c", "a", "-c", "b"],
  ["--dry-run", "--json", "--help"],
  // Refused:
  ["--nope"],
  ["--nope=1"],
  ["-x"],
  ["-fx"],
  ["-c"],
  ["--lines"],
  ["-c", "-f"],
  ["--config", "--json"],
  ["--json=yes"],
  ["-h=1"],
  ["-5"],
  ["-xf"],
  ["-fxy"],
];

/** What node:util makes of argv: values (arrays for multiple) and positionals, or its error message. */
function node(args: string[], options: Record<string, OptionSpec>): unknown {
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: { ...values }, positionals };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

function ours(args: string[], options: Record<string, OptionSpec>): unknown {
  try {
    return parseOptions(args, options);
  } catch (e) {
    if (!(e instanceof OptionError)) throw e;
    return { error: e.message };
  }
}

describe("parseOptions", () => {
  test("agrees with node:util parseArgs on every line, accepted or refused", () => {
    for (const args of LINES) expect({ args, got: ours(args, OPTIONS) }).toEqual({ args, got: node(args, OPTIONS) });
  });

  test("agrees with node:util on each command's own options", () => {
    for (const [command, options] of Object.entries(COMMAND_OPTIONS)) {
      const all = { config: { type: "string", short: "c" }, ...options } as Record<string, OptionSpec>;
      for (const [name, spec] of Object.entries(options)) {
        const lines = [[command, `--${name}`, "v"], [command, `--${name}=v`], ...(spec.short ? [[command, `-${spec.short}`, "v", "w"]] : [])];
        for (const args of lines) expect({ args, got: ours(args, all) }).toEqual({ args, got: node(args, all) });
      }
    }
  });

  test("a refusal is an OptionError; anything else is not caught as one", () => {
    expect(() => parseOptions(["--nope"], OPTIONS)).toThrow(OptionError);
    expect(parseOptions(["-c", "x"], OPTIONS)).toEqual({ values: { config: "x" }, positionals: [] });
  });
});
