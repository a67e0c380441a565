/** Command-line parsing of the new commands' options, wherever they stand. Pure. */
import { describe, expect, test } from "bun:test";
import { parseCommandLine } from "../../src/cli/args.ts";
import { CanopyError } from "../../src/errors.ts";

describe("parseCommandLine", () => {
  test("the daemon's own command lines (read without node:util) parse as the general path reads them", () => {
    for (const command of ["daemon", "up"]) {
      const general = parseCommandLine([command, "--config", "/srv/canopy.yaml"]);
      expect(parseCommandLine([command, "-c", "/srv/canopy.yaml"])).toEqual(general);
      expect(general).toEqual({ command, positionals: [], config: "/srv/canopy.yaml", help: false, version: false, flags: {}, lists: {} });
    }
    // Anything else goes the general way: flags, other orders, a value that looks like an option.
    expect(parseCommandLine(["up", "-c", "/srv/canopy.yaml", "-d"]).flags).toEqual({ detach: true });
    expect(parseCommandLine(["-c", "/srv/canopy.yaml", "up"])).toMatchObject({ command: "up", config: "/srv/canopy.yaml" });
    expect(() => parseCommandLine(["up", "-c", "-d"])).toThrow(CanopyError);
  });

  test("events: -n, -f, --json", () => {
    expect(parseCommandLine(["events", "-n", "5", "-f", "--json"])).toMatchObject({
      command: "events",
      positionals: [],
      flags: { lines: "5", follow: true, json: true },
    });
  });

  test("reload: --dry-run", () => {
    expect(parseCommandLine(["reload", "--dry-run"]).flags).toEqual({ "dry-run": true });
  });

  test("convert: FILE, -o OUT and --force, with -o before the command too", () => {
    expect(parseCommandLine(["convert", "Procfile", "-o", "out.yaml", "--force"])).toMatchObject({
      command: "convert",
      positionals: ["Procfile"],
      flags: { output: "out.yaml", force: true },
    });
    // An option's value is never taken for the command.
    expect(parseCommandLine(["-o", "status", "convert", "Procfile"])).toMatchObject({ command: "convert", positionals: ["Procfile"], flags: { output: "status" } });
    expect(parseCommandLine(["-n", "3", "events"])).toMatchObject({ command: "events", flags: { lines: "3" } });
    expect(parseCommandLine(["convert", "-o", "-", "pc.yaml"])).toMatchObject({ positionals: ["pc.yaml"], flags: { output: "-" } });
  });

  test("another command's option is a usage error", () => {
    for (const argv of [["reload", "--json"], ["events", "--dry-run"], ["status", "-o", "x"], ["convert", "-f"]]) {
      let error: unknown;
      try {
        parseCommandLine(argv);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CanopyError);
      expect((error as CanopyError).error_type).toBe("usage");
    }
  });
});
