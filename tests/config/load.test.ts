import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { CanopyError } from "../../src/errors.ts";
import { loadConfig, loadConfigFile } from "../../src/config/load.ts";
import type { CanopyConfig } from "../../src/config/types.ts";
import { removeTempDirs, tempDir, thrown } from "./tmp.ts";

afterAll(removeTempDirs);

const YAML = `# the demo
services:
  api:
    cmd: ["bun", "server.ts"]
    cwd: ./api
    env: { LOG_LEVEL: debug, WORKERS: 2 }
    env_file: .env
    port: 8080
    restart: on-failure
    max_restarts: 3
    restart_window: 60s
    restart_delay: 500ms
    stop_signal: INT
    stop_timeout: 5s
  worker:
    cmd: bun worker.ts --queue jobs
    autostart: false
logs:
  max_size: 5MB
  max_files: 4
`;

const TOML = `[services.api]
cmd = ["bun", "server.ts"]
cwd = "./api"
env = { LOG_LEVEL = "debug", WORKERS = 2 }
env_file = ".env"
port = 8080
restart = "on-failure"
max_restarts = 3
restart_window = "60s"
restart_delay = "500ms"
stop_signal = "INT"
stop_timeout = "5s"

[services.worker]
cmd = "bun worker.ts --queue jobs"
autostart = false

[logs]
max_size = "5MB"
max_files = 4
`;

const JSON_TEXT = JSON.stringify({
  services: {
    api: {
      cmd: ["bun", "server.ts"],
      cwd: "./api",
      env: { LOG_LEVEL: "debug", WORKERS: 2 },
      env_file: ".env",
      port: 8080,
      restart: "on-failure",
      max_restarts: 3,
      restart_window: "60s",
      restart_delay: "500ms",
      stop_signal: "INT",
      stop_timeout: "5s",
    },
    worker: { cmd: "bun worker.ts --queue jobs", autostart: false },
  },
  logs: { max_size: "5MB", max_files: 4 },
});

const DOTENV = "# secrets\nexport DB_URL=postgres://localhost/db\nLOG_LEVEL=info\nPORT=9999\n";

function expectedConfig(dir: string, file: string): CanopyConfig {
  return {
    file: join(dir, file),
    dir,
    services: [
      {
        name: "api",
        cmd: ["bun", "server.ts"],
        cwd: join(dir, "api"),
        env: { DB_URL: "postgres://localhost/db", LOG_LEVEL: "debug", WORKERS: "2", PORT: "8080" },
        port: 8080,
        restart: "on-failure",
        maxRestarts: 3,
        restartWindowMs: 60_000,
        restartDelayMs: 500,
        stopSignal: "SIGINT",
        stopTimeoutMs: 5_000,
        autostart: true,
        dependsOn: [],
        ready: { check: { kind: "tcp", port: 8080 }, intervalMs: 250, timeoutMs: 1_000, initialDelayMs: 0, failureThreshold: 1 },
        restartMaxDelayMs: 30_000,
        restartResetAfterMs: 60_000,
        // DB_URL alone came from the file: LOG_LEVEL is set by env, PORT by port.
        envFile: { path: join(dir, ".env"), keys: ["DB_URL"], shadowed: ["LOG_LEVEL", "PORT"] },
      },
      {
        name: "worker",
        cmd: ["/bin/sh", "-c", "bun worker.ts --queue jobs"],
        cwd: dir,
        env: {},
        restart: "always",
        maxRestarts: 5,
        restartWindowMs: 60_000,
        restartDelayMs: 100,
        stopSignal: "SIGTERM",
        stopTimeoutMs: 5_000,
        autostart: false,
        dependsOn: [],
        restartMaxDelayMs: 30_000,
        restartResetAfterMs: 60_000,
      },
    ],
    logs: { maxSizeBytes: 5 * 1024 * 1024, maxFiles: 4 },
  };
}

/** Loads `text` as `name` in a fresh folder; returns the thrown CanopyError. */
function loadError(name: string, text: string, extra: Record<string, string> = {}): CanopyError {
  const dir = tempDir({ [name]: text, ...extra });
  const err = thrown(() => loadConfig({ env: {}, cwd: dir }));
  expect(err).toBeInstanceOf(CanopyError);
  expect((err as CanopyError).error_type).toBe("invalid_config");
  expect((err as CanopyError).details.file).toBe(join(dir, name));
  return err as CanopyError;
}

describe("loadConfig: one schema whatever the format", () => {
  test.each([
    ["canopy.yaml", YAML],
    ["canopy.toml", TOML],
    ["canopy.json", JSON_TEXT],
  ])("%s", (name, text) => {
    const dir = tempDir({ [name]: text, ".env": DOTENV, "api/server.ts": "" });
    expect(loadConfig({ env: {}, cwd: dir })).toEqual(expectedConfig(dir, name));
  });

  test("loadConfigFile takes a path directly, and CANOPY_CONFIG is honoured", () => {
    const dir = tempDir({ "conf/canopy.yml": YAML, "conf/.env": DOTENV, "conf/api/x": "" });
    expect(loadConfigFile(join(dir, "conf/canopy.yml"))).toEqual(expectedConfig(join(dir, "conf"), "canopy.yml"));
    expect(loadConfig({ env: { CANOPY_CONFIG: "conf/canopy.yml" }, cwd: dir }).file).toBe(join(dir, "conf/canopy.yml"));
  });

  test("services: {} loads with no services and default logs", () => {
    const dir = tempDir({ "canopy.yaml": "services: {}\n" });
    expect(loadConfig({ env: {}, cwd: dir })).toEqual({
      file: join(dir, "canopy.yaml"),
      dir,
      services: [],
      logs: { maxSizeBytes: 10 * 1024 * 1024, maxFiles: 3 },
    });
  });

  test("relative cwd resolves against the config file's folder, not the process cwd", () => {
    const dir = tempDir({ "proj/canopy.yaml": "services:\n  a:\n    cmd: x\n    cwd: ../shared/bin\n  b:\n    cmd: y\n", "shared/bin/.keep": "" });
    const config = loadConfig({ explicit: "proj/canopy.yaml", env: {}, cwd: dir });
    expect(config.services.map((s) => [s.name, s.cwd])).toEqual([
      ["a", join(dir, "shared/bin")],
      ["b", join(dir, "proj")],
    ]);
  });

  test("services stay in file order, even with integer-like names", () => {
    const dir = tempDir({ "canopy.yaml": "services:\n  web:\n    cmd: a\n  '2':\n    cmd: b\n  '1':\n    cmd: c\n" });
    expect(loadConfig({ env: {}, cwd: dir }).services.map((s) => s.name)).toEqual(["web", "2", "1"]);
  });

  test("env overrides env_file, and port overrides a PORT from env_file", () => {
    const dir = tempDir({
      "canopy.yaml": "services:\n  a:\n    cmd: x\n    env_file: conf/a.env\n    env:\n      B: from-env\n    port: 3000\n",
      "conf/a.env": "A=file\nB=file\nPORT=1\n",
    });
    expect(loadConfig({ env: {}, cwd: dir }).services[0]?.env).toEqual({ A: "file", B: "from-env", PORT: "3000" });
  });
});

describe("loadConfig: problems name the file, service, field and line", () => {
  test("unknown key with a suggestion (YAML line)", () => {
    const err = loadError("canopy.yaml", "services:\n  api:\n    cmd: x\n    restart_dealy: 1s\n");
    expect(err.message).toBe('canopy.yaml:4: service "api", field "restart_dealy": unknown key; did you mean restart_delay?');
    expect(err.details.problems).toEqual([{ service: "api", field: "restart_dealy", message: "unknown key; did you mean restart_delay?", line: 4 }]);
  });

  test("bad duration (YAML line), the example from the docs", () => {
    const err = loadError("canopy.yaml", "services:\n  web:\n    cmd: x\n  api:\n    cmd: y\n    restart_delay: fast\n");
    expect(err.message).toBe('canopy.yaml:6: service "api", field "restart_delay": expected a duration like 250ms, 5s or 2m, got "fast"');
  });

  test("wrong type, bad name and port out of range are all listed, by line", () => {
    const text = "services:\n  AP I:\n    cmd: x\n  api:\n    cmd: y\n    autostart: 'no'\n    port: 70000\n";
    const err = loadError("canopy.yaml", text);
    expect(err.message).toBe(
      [
        "canopy.yaml: 3 problems",
        '  canopy.yaml:2: service "AP I": invalid service name: must match ^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$ (letters, digits, "_" and "-", starting with a letter or digit, at most 63 characters)',
        '  canopy.yaml:6: service "api", field "autostart": expected true or false, got "no"',
        '  canopy.yaml:7: service "api", field "port": must be from 1 to 65535, got 70000',
      ].join("\n"),
    );
    expect((err.details.problems as { line?: number }[]).map((p) => p.line)).toEqual([2, 6, 7]);
  });

  test("missing cmd points at the service's line", () => {
    const err = loadError("canopy.yaml", "services:\n  api:\n    cwd: .\n");
    expect(err.message).toBe('canopy.yaml:2: service "api", field "cmd": missing; every service needs cmd: a command line or a list like ["bun", "server.ts"]');
  });

  test("a service written twice in YAML is refused", () => {
    const err = loadError("canopy.yaml", "services:\n  api:\n    cmd: a\n  api:\n    cmd: b\n");
    expect(err.message).toBe('canopy.yaml:4: service "api": defined twice (first on line 2); rename or remove one');
  });

  test("unparsable YAML names the file and line", () => {
    const err = loadError("canopy.yaml", "services:\n  api:\n    cmd: [bun, x.ts\n");
    expect(err.message).toStartWith("canopy.yaml:3: cannot parse YAML: YAML Parse error:");
    expect(err.details.line).toBe(3);
  });

  test("unparsable TOML names the file and line", () => {
    const err = loadError("canopy.toml", "[services.api]\ncmd = 'x'\ncmd = 'y'\n");
    expect(err.message).toStartWith("canopy.toml:3: cannot parse TOML: TOML Parse error:");
  });

  test("unparsable JSON names the file", () => {
    const err = loadError("canopy.json", '{"services": {"api": {"cmd": "x",}}}');
    expect(err.message).toStartWith("canopy.json: cannot parse JSON: JSON Parse error:");
  });

  test("an empty YAML file asks for services", () => {
    const err = loadError("canopy.yaml", "# nothing yet\n");
    expect(err.message).toBe("canopy.yaml: expected a mapping with a services key at the top of the file, got nothing");
  });

  test("missing services key", () => {
    const err = loadError("canopy.yaml", "logs:\n  max_files: 2\n");
    expect(err.message).toBe('canopy.yaml: field "services": missing; list the services to run under services: (services: {} for none)');
  });

  test("env_file missing is an error naming it", () => {
    const err = loadError("canopy.yaml", "services:\n  api:\n    cmd: x\n    env_file: missing.env\n");
    const dir = err.details.file === undefined ? "" : String(err.details.file).replace(/\/canopy\.yaml$/, "");
    expect(err.message).toBe(`canopy.yaml:4: service "api", field "env_file": file not found: ${dir}/missing.env`);
  });

  test("a malformed env_file names its line", () => {
    const err = loadError("canopy.yaml", "services:\n  api:\n    cmd: x\n    env_file: .env\n", { ".env": "A=1\noops\n" });
    const dir = String(err.details.file).replace(/\/canopy\.yaml$/, "");
    expect(err.message).toBe(`canopy.yaml:4: service "api", field "env_file": in ${dir}/.env: line 2: expected KEY=VALUE, got "oops"`);
  });

  test("a cwd that does not exist is refused", () => {
    const err = loadError("canopy.yaml", "services:\n  api:\n    cmd: x\n    cwd: nowhere\n");
    const dir = String(err.details.file).replace(/\/canopy\.yaml$/, "");
    expect(err.message).toBe(`canopy.yaml:4: service "api", field "cwd": folder not found: ${dir}/nowhere`);
  });

  test("TOML problems carry lines too", () => {
    const err = loadError("canopy.toml", "[services.api]\ncmd = 'x'\nport = 0\n");
    expect(err.message).toBe('canopy.toml:3: service "api", field "port": must be from 1 to 65535, got 0');
  });

  test("JSON problems name file, service and field (no line)", () => {
    const err = loadError("canopy.json", '{"services": {"api": {"cmd": "x", "port": 0}}}');
    expect(err.message).toBe('canopy.json: service "api", field "port": must be from 1 to 65535, got 0');
    expect(err.details.problems).toEqual([{ service: "api", field: "port", message: "must be from 1 to 65535, got 0" }]);
  });

  test("a config outside cwd is shown by absolute path; loadConfigFile shows the path as given", () => {
    const dir = tempDir({ "canopy.yaml": "services:\n  api:\n    cmd: 1\n" });
    const elsewhere = tempDir();
    const viaFind = thrown(() => loadConfig({ explicit: join(dir, "canopy.yaml"), env: {}, cwd: elsewhere })) as CanopyError;
    expect(viaFind.message).toBe(`${join(dir, "canopy.yaml")}:3: service "api", field "cmd": expected a command line or a list of strings, got 1`);
    const direct = thrown(() => loadConfigFile(join(dir, "canopy.yaml"), { display: "my.yaml" })) as CanopyError;
    expect(direct.message).toStartWith("my.yaml:3: ");
  });

  test("loadConfigFile on a missing path names it", () => {
    const err = thrown(() => loadConfigFile("/nope/canopy.yaml")) as CanopyError;
    expect(err.error_type).toBe("invalid_config");
    expect(err.message).toBe("config file /nope/canopy.yaml does not exist");
  });

  test("the error serialises with error_type, description, file and problems", () => {
    const err = loadError("canopy.yaml", "services:\n  api:\n    cmd: x\n    stop_signal: NOPE\n");
    expect(JSON.parse(JSON.stringify(err))).toEqual({
      error_type: "invalid_config",
      error_description: 'canopy.yaml:4: service "api", field "stop_signal": expected a signal name such as SIGTERM, SIGINT or SIGQUIT, got "NOPE"',
      file: err.details.file,
      problems: [
        { service: "api", field: "stop_signal", message: 'expected a signal name such as SIGTERM, SIGINT or SIGQUIT, got "NOPE"', line: 4 },
      ],
    });
    expect(err.exitCode).toBe(2);
  });
});
