import { describe, expect, test } from "bun:test";
import { validateConfig } from "../../src/config/schema.ts";
import type { ConfigProblem } from "../../src/config/types.ts";

const WHERE = { file: "/proj/canopy.yaml", dir: "/proj" };
const problemsOf = (raw: unknown): ConfigProblem[] => validateConfig(raw, WHERE).problems;
const oneService = (settings: Record<string, unknown>) => problemsOf({ services: { api: { cmd: "x", ...settings } } });

describe("validateConfig: valid input", () => {
  test("fills every default", () => {
    const { config, problems, envFiles } = validateConfig({ services: { api: { cmd: ["bun", "server.ts"] } } }, WHERE);
    expect(problems).toEqual([]);
    expect(envFiles).toEqual({});
    expect(config).toEqual({
      file: "/proj/canopy.yaml",
      dir: "/proj",
      services: [
        {
          name: "api",
          cmd: ["bun", "server.ts"],
          cwd: "/proj",
          env: {},
          restart: "always",
          maxRestarts: 5,
          restartWindowMs: 60_000,
          restartDelayMs: 100,
          stopSignal: "SIGTERM",
          stopTimeoutMs: 5_000,
          autostart: true,
          dependsOn: [],
          restartMaxDelayMs: 30_000,
          restartResetAfterMs: 60_000,
        },
      ],
      logs: { maxSizeBytes: 10 * 1024 * 1024, maxFiles: 3 },
    });
  });

  test("reads every setting", () => {
    const raw = {
      services: {
        web: {
          cmd: "echo hi && sleep 1",
          cwd: "../other",
          env: { LOG_LEVEL: "debug", N: 3, ON: true },
          env_file: ".env",
          port: 8080,
          restart: "on-failure",
          max_restarts: 3,
          restart_window: "2m",
          restart_delay: 500,
          stop_signal: "int",
          stop_timeout: "1.5s",
          autostart: false,
        },
      },
      logs: { max_size: "512KB", max_files: 7 },
    };
    const { config, problems, envFiles } = validateConfig(raw, WHERE);
    expect(problems).toEqual([]);
    expect(envFiles).toEqual({ web: "/proj/.env" });
    expect(config.services).toEqual([
      {
        name: "web",
        cmd: ["/bin/sh", "-c", "echo hi && sleep 1"],
        cwd: "/other",
        env: { LOG_LEVEL: "debug", N: "3", ON: "true", PORT: "8080" },
        port: 8080,
        restart: "on-failure",
        maxRestarts: 3,
        restartWindowMs: 120_000,
        restartDelayMs: 500,
        stopSignal: "SIGINT",
        stopTimeoutMs: 1_500,
        autostart: false,
        dependsOn: [],
        ready: { check: { kind: "tcp", port: 8080 }, intervalMs: 250, timeoutMs: 1_000, initialDelayMs: 0, failureThreshold: 1 },
        restartMaxDelayMs: 30_000,
        restartResetAfterMs: 60_000,
      },
    ]);
    expect(config.logs).toEqual({ maxSizeBytes: 512 * 1024, maxFiles: 7 });
  });

  test("services: {} is valid and gives no services", () => {
    const { config, problems } = validateConfig({ services: {} }, WHERE);
    expect(problems).toEqual([]);
    expect(config.services).toEqual([]);
  });

  test("an absolute cwd is kept; env.PORT equal to port is fine", () => {
    const { config, problems } = validateConfig({ services: { a: { cmd: "x", cwd: "/srv/a", port: 81, env: { PORT: "81" } } } }, WHERE);
    expect(problems).toEqual([]);
    expect(config.services[0]?.cwd).toBe("/srv/a");
    expect(config.services[0]?.env).toEqual({ PORT: "81" });
  });

  test("logs: with nothing under it keeps the defaults", () => {
    expect(validateConfig({ services: {}, logs: null }, WHERE).config.logs).toEqual({ maxSizeBytes: 10485760, maxFiles: 3 });
  });
});

describe("validateConfig: problems", () => {
  test.each([
    [null, "expected a mapping with a services key at the top of the file, got nothing"],
    [[{ services: {} }], "expected a mapping with a services key at the top of the file, got a list"],
    ["services", 'expected a mapping with a services key at the top of the file, got "services"'],
  ])("top level %p", (raw, message) => {
    expect(problemsOf(raw)).toEqual([{ field: "", message }]);
  });

  test("services missing, or not a mapping", () => {
    expect(problemsOf({})).toEqual([{ field: "services", message: "missing; list the services to run under services: (services: {} for none)" }]);
    expect(problemsOf({ services: null })).toEqual([{ field: "services", message: "expected a mapping of service name to settings, got nothing" }]);
    expect(problemsOf({ services: ["api"] })).toEqual([{ field: "services", message: "expected a mapping of service name to settings, got a list" }]);
  });

  test("unknown keys, with a suggestion when one is close", () => {
    expect(problemsOf({ services: {}, service: {}, colour: 1 })).toEqual([
      { field: "service", message: "unknown key; did you mean services?" },
      { field: "colour", message: "unknown key; known keys: services, logs, control, notify" },
    ]);
    expect(oneService({ restart_dealy: "1s", command: "x" })).toEqual([
      { service: "api", field: "restart_dealy", message: "unknown key; did you mean restart_delay?" },
      {
        service: "api",
        field: "command",
        message:
          "unknown key; known keys: cmd, cwd, env, env_file, port, restart, max_restarts, restart_window, restart_delay, stop_signal, stop_timeout, autostart, " +
          "depends_on, ready, alive, restart_max_delay, restart_reset_after, success_exit_codes, min_uptime, image, reload_signal, user, group, schedule, max_memory, nice, limits, replicas, memory_max, cpus, pids_max",
      },
    ]);
    expect(problemsOf({ services: {}, logs: { maxFiles: 2 } })).toEqual([{ field: "logs.maxFiles", message: "unknown key; did you mean max_files?" }]);
  });

  test.each([["web.2"], ["-api"], ["_x"], ["a b"], ["café"], ["a/b"], ["a".repeat(64)], [""], ["__proto__"]])("service name %p is refused", (name) => {
    expect(problemsOf({ services: { [name]: { cmd: "x" } } })).toEqual([
      {
        service: name,
        field: "",
        message: 'invalid service name: must match ^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$ (letters, digits, "_" and "-", starting with a letter or digit, at most 63 characters)',
      },
    ]);
  });

  test.each([["a"], ["0"], ["my_api-2"], ["Manager"], ["ClientA"], ["Server_1A"], ["a".repeat(63)]])("service name %p is accepted", (name) => {
    expect(problemsOf({ services: { [name]: { cmd: "x" } } })).toEqual([]);
  });

  test("success_exit_codes and min_uptime: kept when set (codes sorted, once each), absent when default; bad values named", () => {
    const ok = validateConfig({ services: { a: { cmd: "x", success_exit_codes: [2, 0, 2], min_uptime: "1s" }, b: { cmd: "y", success_exit_codes: [0], min_uptime: 0 } } }, WHERE);
    expect(ok.problems).toEqual([]);
    expect([ok.config.services[0]?.successExitCodes, ok.config.services[0]?.minUptimeMs]).toEqual([[0, 2], 1000]);
    expect(Object.keys(ok.config.services[1] ?? {})).not.toContain("successExitCodes");
    expect(Object.keys(ok.config.services[1] ?? {})).not.toContain("minUptimeMs");
    expect(problemsOf({ services: { a: { cmd: "x", success_exit_codes: [256], min_uptime: "soon" } } }).map((p) => p.field)).toEqual(["success_exit_codes", "min_uptime"]);
    expect(problemsOf({ services: { a: { cmd: "x", success_exit_codes: [] } } })[0]?.message).toBe("expected a list of exit codes from 0 to 255 such as [0, 2], got a list");
  });

  test("names that differ only in case are refused, the later one named with the earlier", () => {
    expect(problemsOf({ services: { Web: { cmd: "x" }, api: { cmd: "y" }, web: { cmd: "z" }, WEB: { cmd: "w" } } })).toEqual([
      { service: "web", field: "", message: 'differs from "Web" only in case; rename one (their log files would be one file on a case-insensitive disk)' },
      { service: "WEB", field: "", message: 'differs from "Web" only in case; rename one (their log files would be one file on a case-insensitive disk)' },
    ]);
  });

  test("a service that is not a mapping", () => {
    expect(problemsOf({ services: { api: null } })).toEqual([{ service: "api", field: "", message: "expected a mapping with at least cmd, got nothing" }]);
    expect(problemsOf({ services: { api: "bun x" } })).toEqual([{ service: "api", field: "", message: 'expected a mapping with at least cmd, got "bun x"' }]);
  });

  test.each([
    [{}, "cmd", 'missing; every service needs cmd: a command line or a list like ["bun", "server.ts"]'],
    [{ cmd: "" }, "cmd", "must not be empty"],
    [{ cmd: "   " }, "cmd", "must not be empty"],
    [{ cmd: [] }, "cmd", "must not be an empty list"],
    [{ cmd: 5 }, "cmd", "expected a command line or a list of strings, got 5"],
    [{ cmd: { a: 1 } }, "cmd", "expected a command line or a list of strings, got a mapping"],
    [{ cmd: ["sleep", 5] }, "cmd[1]", 'expected a string, got 5 (quote it: "5")'],
    [{ cmd: ["x", null] }, "cmd[1]", "expected a string, got nothing"],
    [{ cmd: ["", "a"] }, "cmd[0]", "the program name must not be empty"],
    [{ cmd: ["a\0b"] }, "cmd[0]", "must not contain a NUL byte"],
  ])("cmd %j → field %s", (settings, field, message) => {
    expect(problemsOf({ services: { api: settings } })).toEqual([{ service: "api", field, message }]);
  });

  test.each([
    [{ cwd: 3 }, "cwd", "expected a string, got 3"],
    [{ cwd: "" }, "cwd", "must not be empty"],
    [{ env: ["A=1"] }, "env", "expected a mapping of NAME: value, got a list"],
    [{ env: { A: null } }, "env.A", 'expected a string, number or boolean, got nothing (write "" for an empty value)'],
    [{ env: { A: { b: 1 } } }, "env.A", "expected a string, number or boolean, got a mapping"],
    [{ env: { "1A": "x" } }, "env.1A", "invalid variable name: use letters, digits and _, not starting with a digit"],
    [{ env_file: true }, "env_file", "expected a string, got true"],
    [{ port: 0 }, "port", "must be from 1 to 65535, got 0"],
    [{ port: 65536 }, "port", "must be from 1 to 65535, got 65536"],
    [{ port: "8080" }, "port", 'expected a whole number from 1 to 65535, got "8080"'],
    [{ port: 80.5 }, "port", "expected a whole number from 1 to 65535, got 80.5"],
    [{ port: 80, env: { PORT: "81" } }, "env.PORT", "conflicts with port: 80; set one of them"],
    [{ restart: "sometimes" }, "restart", 'expected one of always, on-failure, never, got "sometimes"'],
    [{ restart: true }, "restart", "expected one of always, on-failure, never, got true"],
    [{ max_restarts: 0 }, "max_restarts", "must be from 1 to 1000000, got 0"],
    [{ max_restarts: 1_000_001 }, "max_restarts", "must be from 1 to 1000000, got 1000001"],
    [{ max_restarts: "3" }, "max_restarts", 'expected a whole number from 1 to 1000000, got "3"'],
    [{ restart_window: 0 }, "restart_window", "must be at least 1ms, got 0"],
    [{ restart_window: "25h" }, "restart_window", 'must be at most 24h, got "25h"'],
    [{ restart_delay: "fast" }, "restart_delay", 'expected a duration like 250ms, 5s or 2m, got "fast"'],
    [{ restart_delay: -1 }, "restart_delay", "expected a duration like 250ms, 5s or 2m, got -1"],
    [{ stop_timeout: "48h" }, "stop_timeout", 'must be at most 24h, got "48h"'],
    [{ stop_timeout: 86_400_001 }, "stop_timeout", "must be at most 24h, got 86400001"],
    [{ stop_signal: "SIGFOO" }, "stop_signal", 'expected a signal name such as SIGTERM, SIGINT or SIGQUIT, got "SIGFOO"'],
    [{ stop_signal: 15 }, "stop_signal", "expected a signal name such as SIGTERM, SIGINT or SIGQUIT, got 15"],
    [{ autostart: "yes" }, "autostart", 'expected true or false, got "yes"'],
    [{ image: 3 }, "image", "expected a string, got 3"],
    [{ image: "my app:1" }, "image", 'expected a container image such as ghcr.io/me/api:1.2, got "my app:1"'],
  ])("%j → field %s", (settings, field, message) => {
    expect(oneService(settings)).toEqual([{ service: "api", field, message }]);
  });

  test.each([
    [{ max_size: "10XB" }, "logs.max_size", 'expected a size like 512KB, 10MB or 1GB, got "10XB"'],
    [{ max_size: 100 }, "logs.max_size", "must be at least 1KB, got 100"],
    [{ max_size: "2TB" }, "logs.max_size", 'must be at most 1TB, got "2TB"'],
    [{ max_files: 0 }, "logs.max_files", "must be from 1 to 1000, got 0"],
    [{ max_files: "3" }, "logs.max_files", 'expected a whole number from 1 to 1000, got "3"'],
  ])("logs %j → field %s", (logs, field, message) => {
    expect(problemsOf({ services: {}, logs })).toEqual([{ field, message }]);
  });

  test("logs must be a mapping", () => {
    expect(problemsOf({ services: {}, logs: "10MB" })).toEqual([{ field: "logs", message: 'expected a mapping with max_size, max_files and/or timestamps, got "10MB"' }]);
  });

  test("collects every problem across services and the top level", () => {
    const problems = problemsOf({
      services: { ok: { cmd: "x" }, "B.ad": { cmd: [] }, api: { cmd: "x", port: -1, restart_delay: "soon" } },
      logs: { max_files: 0 },
      extra: 1,
    });
    expect(problems.map((p) => `${p.service ?? "-"}/${p.field}`)).toEqual([
      "-/extra",
      "-/logs.max_files",
      "B.ad/",
      "B.ad/cmd",
      "api/port",
      "api/restart_delay",
    ]);
  });
});
