import { describe, expect, test } from "bun:test";
import { validateConfig } from "../../src/config/schema.ts";
import type { ConfigProblem } from "../../src/config/types.ts";

const WHERE = { file: "/proj/canopy.yaml", dir: "/proj" };
const withControl = (control: unknown) => validateConfig({ services: {}, control }, WHERE);
const problemsOf = (control: unknown): ConfigProblem[] => withControl(control).problems;

describe("control: valid forms", () => {
  test("off by default", () => {
    expect(validateConfig({ services: {} }, WHERE).config.control).toBeUndefined();
    expect(withControl(null).config.control).toBeUndefined();
  });

  test("IPv4 loopback; token_file relative to the config folder", () => {
    const { config, problems } = withControl({ listen: "127.0.0.1:7070", token_file: "./canopy.token" });
    expect(problems).toEqual([]);
    expect(config.control).toEqual({ listen: { host: "127.0.0.1", port: 7070 }, tokenFile: "/proj/canopy.token", allowNonLoopback: false });
  });

  test("IPv6 loopback and localhost; absolute token_file kept", () => {
    expect(withControl({ listen: "[::1]:7070", token_file: "/etc/canopy/token" }).config.control).toEqual({
      listen: { host: "::1", port: 7070 },
      tokenFile: "/etc/canopy/token",
      allowNonLoopback: false,
    });
    expect(withControl({ listen: "localhost:9", token_file: "t" }).config.control?.listen).toEqual({ host: "localhost", port: 9 });
  });

  test("a non-loopback address with allow_non_loopback: true", () => {
    const { config, problems } = withControl({ listen: "0.0.0.0:7070", token_file: "t", allow_non_loopback: true });
    expect(problems).toEqual([]);
    expect(config.control?.allowNonLoopback).toBe(true);
  });
});

describe("control: problems", () => {
  test.each([
    ["7070", "control.listen", 'expected host:port such as 127.0.0.1:7070 or [::1]:7070, got "7070"'],
    ["127.0.0.1:0", "control.listen", 'expected host:port such as 127.0.0.1:7070 or [::1]:7070, got "127.0.0.1:0"'],
    ["::1:7070", "control.listen", 'expected host:port such as 127.0.0.1:7070 or [::1]:7070, got "::1:7070"'],
    [7070, "control.listen", "expected a string, got 7070"],
  ])("listen %j", (listen, field, message) => {
    expect(problemsOf({ listen, token_file: "t" })).toEqual([{ field, message }]);
  });

  test("a non-loopback address is refused unless allowed", () => {
    expect(problemsOf({ listen: "0.0.0.0:7070", token_file: "t" })).toEqual([
      {
        field: "control.listen",
        message: "0.0.0.0 is not a loopback address; anyone who can reach it may try the token. Use 127.0.0.1 or ::1, or set allow_non_loopback: true",
      },
    ]);
    expect(problemsOf({ listen: "0.0.0.0:7070", token_file: "t", allow_non_loopback: false })).toHaveLength(1);
  });

  test("token_file is required when listen is set", () => {
    expect(problemsOf({ listen: "127.0.0.1:7070" })).toEqual([
      { field: "control.token_file", message: "missing; required when listen is set: a file holding the bearer token, readable only by you (chmod 600)" },
    ]);
  });

  test("listen missing, wrong types, unknown keys, all collected", () => {
    expect(problemsOf({ token_file: "", allow_non_loopback: "yes", listn: "x" })).toEqual([
      { field: "control.listn", message: "unknown key; did you mean listen?" },
      { field: "control.allow_non_loopback", message: 'expected true or false, got "yes"' },
      { field: "control.listen", message: "missing; set listen: 127.0.0.1:7070, or remove control: to keep the TCP listener off" },
      { field: "control.token_file", message: "must not be empty" },
    ]);
  });

  test("control must be a mapping", () => {
    expect(problemsOf("127.0.0.1:7070")).toEqual([{ field: "control", message: 'expected a mapping with listen and token_file, got "127.0.0.1:7070"' }]);
  });
});
