import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { conversionWarning } from "../../src/compat/convert-report.ts";
import { processComposeToRaw } from "../../src/compat/process-compose.ts";
import { loadConfigFile, loadConfigFileWithWarnings } from "../../src/config/load.ts";
import { CanopyError } from "../../src/errors.ts";
import { removeTempDirs, tempDir, thrown } from "../config/tmp.ts";
import { PC_FILE, PC_QUICK_START } from "./fixtures.ts";

afterAll(removeTempDirs);


function loadError(name: string, text: string): CanopyError {
  const dir = tempDir({ [name]: text });
  const err = thrown(() => loadConfigFile(join(dir, name), { display: name }));
  expect(err).toBeInstanceOf(CanopyError);
  expect((err as CanopyError).error_type).toBe("invalid_config");
  return err as CanopyError;
}

describe("processComposeToRaw", () => {
  test("maps the supported subset to canopy keys", () => {
    const { raw, problems, ignored, notes } = processComposeToRaw(Bun.YAML.parse(PC_FILE));
    expect(problems).toEqual([]);
    expect(raw.services).toEqual({
      db: {
        cmd: "postgres -D data",
        ready: { exec: "pg_isready", interval: "1s", timeout: "3s", initial_delay: "2s" },
        restart: "always",
        restart_delay: "1s", restart_max_delay: "1s",
        stop_signal: "SIGINT",
        stop_timeout: "10s",
      },
      migrate: { cmd: "bun migrate.ts", depends_on: { db: { condition: "healthy" } }, restart: "never", restart_delay: "1s", restart_max_delay: "1s" },
      api: {
        cmd: "bun api.ts",
        cwd: "./api",
        env: { PORT: "8080", GREETING: "a=b" },
        depends_on: { db: { condition: "healthy" }, migrate: { condition: "completed" } },
        ready: { http: "http://127.0.0.1:8080/healthz" },
        alive: { http: "http://127.0.0.1:8080/live", interval: "5s", failure_threshold: 4 },
        restart: "on-failure",
        restart_delay: "2s", restart_max_delay: "2s",
        max_restarts: 3,
        stop_signal: "SIGINT",
        replicas: 2,
      },
      off: { cmd: "sleep 1", restart: "never", restart_delay: "1s", restart_max_delay: "1s", autostart: false },
    });
    expect(ignored).toEqual(["version", "processes.migrate.namespace", "processes.api.liveness_probe.success_threshold"]);
    expect(notes).toEqual([
      "log_location: ignored: canopy writes each process's output to logs/<name>.log in its state folder (see `canopy logs`)",
      "processes.api.availability.restart: exit_on_failure read as on-failure: canopy restarts the process but does not shut the others down",
    ]);
  });

  test("defaults: no condition means started; readiness failure_threshold is skipped; IPv6 http_get host is bracketed", () => {
    const { raw, ignored } = processComposeToRaw({
      processes: {
        a: { command: "x", depends_on: { b: null, c: {} }, readiness_probe: { http_get: { host: "::1", port: 80, scheme: "HTTPS" }, failure_threshold: 3 } },
      },
    });
    expect(raw.services.a).toEqual({
      cmd: "x",
      depends_on: { b: { condition: "started" }, c: { condition: "started" } },
      ready: { http: "https://[::1]:80/" },
      restart: "never",
      restart_delay: "1s", restart_max_delay: "1s",
    });
    expect(ignored).toEqual(["processes.a.readiness_probe.failure_threshold"]);
  });

  test("the Quick Start's shape: capitalised names kept, top-level environment under each process's own, extras named", () => {
    const { raw, problems, ignored, notes } = processComposeToRaw(Bun.YAML.parse(PC_QUICK_START));
    expect(problems).toEqual([]);
    expect(Object.keys(raw.services)).toEqual(["Manager", "ClientA", "Server_1A"]);
    expect(raw.services.Manager).toEqual({
      cmd: "./manager --verbose",
      env: { GLOBAL_ENV_VAR: "1" },
      depends_on: { ClientA: { condition: "started" } },
      restart: "always",
      restart_delay: "1s", restart_max_delay: "1s",
    });
    expect((raw.services.ClientA as { env: unknown }).env).toEqual({ GLOBAL_ENV_VAR: "1", LOCAL_ENV_VAR: "1" });
    expect((raw.services.Server_1A as { env: unknown }).env).toEqual({ GLOBAL_ENV_VAR: "override" });
    expect((raw.services.Server_1A as { replicas: unknown }).replicas).toBe(2);
    expect(ignored).toEqual(["version", "log_level"]);
    expect(notes).toEqual([
      "log_location: ignored: canopy writes each process's output to logs/<name>.log in its state folder (see `canopy logs`)",
      "processes.ClientA.availability.exit_on_end: ignored: canopy keeps the other processes running when this one ends (stop them with `canopy down`)",
      "processes.Server_1A.shutdown.command: not run: canopy stops the process with shutdown.signal (SIGTERM by default), then SIGKILL after timeout_seconds",
    ]);
  });

  test("ready_log_line becomes a log ready probe matching the text literally; process_log_ready waits for it (healthy)", () => {
    const { raw, problems } = processComposeToRaw({
      processes: { db: { command: "x", ready_log_line: "ready (port 5432)" }, api: { command: "y", depends_on: { db: { condition: "process_log_ready" } } } },
    });
    expect(problems).toEqual([]);
    expect((raw.services.db as { ready: unknown }).ready).toEqual({ log: "ready \\(port 5432\\)" });
    expect((raw.services.api as { depends_on: unknown }).depends_on).toEqual({ db: { condition: "healthy" } });
    expect(new RegExp("ready \\(port 5432\\)").test("LOG: ready (port 5432) at 10:00")).toBe(true);
  });

  test("process_completed and max_restarts: 0 are noted", () => {
    const { raw, notes } = processComposeToRaw({
      processes: { a: { command: "x", depends_on: { b: { condition: "process_completed" } }, availability: { restart: "on_failure", max_restarts: 0 } } },
    });
    expect(raw.services.a).toEqual({ cmd: "x", depends_on: { b: { condition: "completed" } }, restart: "on-failure", restart_delay: "1s", restart_max_delay: "1s" });
    expect(notes).toEqual([
      "processes.a.depends_on.b.condition: process_completed read as completed, which waits for a clean exit (code 0)",
      "processes.a.availability.max_restarts: 0 (unlimited) read as canopy's default limit (5 restarts within 60s)",
    ]);
  });

  test.each([
    [{ environment: "A=1" }, "environment", 'expected a list of KEY=VALUE strings, got "A=1"'],
    [{ environment: ["A=1", "B"] }, "environment[1]", 'expected KEY=VALUE, got "B"'],
    [{ environment: ["=1"] }, "environment[0]", 'expected KEY=VALUE, got "=1"'],
    [{ depends_on: ["db"] }, "depends_on", "expected a mapping of process name to { condition }, got a list"],
    [{ depends_on: { db: { condition: "process_ready" } } }, "depends_on.db.condition", 'expected one of process_started, process_healthy, process_completed_successfully, process_completed, process_log_ready, got "process_ready"'],
    [{ ready_log_line: 5 }, "ready_log_line", "expected the text of a line, got 5"],
    [{ availability: { restart: "sometimes" } }, "availability.restart", 'expected one of always, on_failure, exit_on_failure, no, got "sometimes"'],
    [{ availability: { backoff_seconds: "2s" } }, "availability.backoff_seconds", 'expected a number of seconds, got "2s"'],
    [{ availability: "always" }, "availability", 'expected a mapping with restart, backoff_seconds and max_restarts, got "always"'],
    [{ shutdown: { signal: 99 } }, "shutdown.signal", "no signal has the number 99"],
    [{ shutdown: { timeout_seconds: -1 } }, "shutdown.timeout_seconds", "expected a number of seconds, got -1"],
    [{ disabled: "yes" }, "disabled", 'expected true or false, got "yes"'],
    [{ readiness_probe: { http_get: { path: "/x" } } }, "readiness_probe.http_get.port", "expected a port from 1 to 65535, got nothing"],
    [{ readiness_probe: { http_get: { port: 80, scheme: "ftp" } } }, "readiness_probe.http_get.scheme", 'expected http or https, got "ftp"'],
    [{ liveness_probe: { exec: "true" } }, "liveness_probe.exec", 'expected a mapping with command, got "true"'],
    [{ liveness_probe: { exec: {} } }, "liveness_probe.exec.command", "missing; the command to run as the check"],
    [{ liveness_probe: { exec: { command: "x" }, period_seconds: "often" } }, "liveness_probe.period_seconds", 'expected a number of seconds, got "often"'],
  ])("%j → problem at %s", (settings, field, message) => {
    expect(processComposeToRaw({ processes: { api: { command: "x", ...settings } } }).problems).toEqual([{ service: "api", field, message }]);
  });

  test("top level must be a mapping with a processes mapping", () => {
    expect(processComposeToRaw([]).problems).toEqual([{ field: "", message: "expected a mapping with a processes key at the top of the file, got a list" }]);
    expect(processComposeToRaw({ processes: null }).problems).toEqual([{ field: "processes", message: "expected a mapping of process name to settings, got nothing" }]);
    expect(processComposeToRaw({ processes: { a: "x" } }).problems).toEqual([{ service: "a", field: "", message: 'expected a mapping with at least command, got "x"' }]);
  });
});

describe("conversionWarning", () => {
  test("one warning naming every key, then the notes; none when there is nothing to say", () => {
    expect(conversionWarning("pc.yaml", "a process-compose file", ["version", "processes.a.replicas"], ["processes.a.availability.restart: x"])).toBe(
      "pc.yaml: read as a process-compose file. Ignored 2 keys canopy does not support: version, processes.a.replicas. " +
        "Read differently: processes.a.availability.restart: x.",
    );
    expect(conversionWarning("pc.yaml", "a process-compose file", ["version"], [])).toBe("pc.yaml: read as a process-compose file. Ignored 1 key canopy does not support: version.");
    expect(conversionWarning("pc.yaml", "a process-compose file", [], [])).toBeUndefined();
  });
});

describe("loading a process-compose file", () => {
  test("by name: services, and one warning naming every unsupported key and exit_on_failure", () => {
    const dir = tempDir({ "process-compose.yaml": PC_FILE, "api/.keep": "" });
    const { config, warnings } = loadConfigFileWithWarnings(join(dir, "process-compose.yaml"), { display: "process-compose.yaml" });
    expect(config.services.map((s) => s.name)).toEqual(["db", "migrate", "api", "off"]);
    const [db, migrate, api, off] = config.services;
    expect(db).toMatchObject({ cmd: ["/bin/sh", "-c", "postgres -D data"], stopSignal: "SIGINT", stopTimeoutMs: 10_000, restart: "always", restartDelayMs: 1_000 });
    expect(db?.ready).toEqual({ check: { kind: "exec", cmd: ["/bin/sh", "-c", "pg_isready"] }, intervalMs: 1_000, timeoutMs: 3_000, initialDelayMs: 2_000, failureThreshold: 1 });
    expect(migrate).toMatchObject({ restart: "never", dependsOn: [{ service: "db", condition: "healthy" }] });
    expect(api).toMatchObject({
      cwd: join(dir, "api"),
      env: { PORT: "8080", GREETING: "a=b" },
      restart: "on-failure",
      maxRestarts: 3,
      restartDelayMs: 2_000,
      dependsOn: [{ service: "db", condition: "healthy" }, { service: "migrate", condition: "completed" }],
    });
    expect(api?.alive).toEqual({ check: { kind: "http", url: "http://127.0.0.1:8080/live" }, intervalMs: 5_000, timeoutMs: 1_000, initialDelayMs: 0, failureThreshold: 4 });
    expect(off?.autostart).toBe(false);
    expect(api?.replicas).toBe(2);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toBe(
      "process-compose.yaml: read as a process-compose file. Ignored 3 keys canopy does not support: version, processes.migrate.namespace, processes.api.liveness_probe.success_threshold. " +
        "Read differently: log_location: ignored: canopy writes each process's output to logs/<name>.log in its state folder (see `canopy logs`); " +
        "processes.api.availability.restart: exit_on_failure read as on-failure: canopy restarts the process but does not shut the others down.",
    );
  });

  test("by content: any YAML whose top level has processes and no services", () => {
    const dir = tempDir({ "stack.yml": "processes:\n  web:\n    command: bun web.ts\n" });
    const { config, warnings } = loadConfigFileWithWarnings(join(dir, "stack.yml"));
    expect(config.services.map((s) => [s.name, s.cmd, s.restart])).toEqual([["web", ["/bin/sh", "-c", "bun web.ts"], "never"]]);
    expect(warnings).toEqual([]);
  });

  test("a canopy file with services is not taken for process-compose", () => {
    const err = loadError("canopy.yaml", "services: {}\nprocesses: {}\n");
    expect(err.message).toBe('canopy.yaml:2: field "processes": unknown key; known keys: services, logs, control, notify');
  });

  test("problems use process-compose's key names and lines", () => {
    const text = [
      "processes:",
      "  api:",
      "    command: bun api.ts",
      "    working_dir: ./nowhere",
      "    environment:",
      '      - "1BAD=x"',
      "    availability:",
      "      restart: sometimes",
      "      max_restarts: -1",
      "    shutdown:",
      "      signal: SIGNOPE",
      "    readiness_probe:",
      "      period_seconds: 0",
      "      exec:",
      "        command: check",
      "    depends_on:",
      "      dbb: {}",
      "  we.b:",
      "    command: x",
      "",
    ].join("\n");
    const err = loadError("process-compose.yaml", text);
    expect((err.details.problems as { field: string; line?: number }[]).map((p) => `${p.line}:${p.field}`)).toEqual([
      "5:environment.1BAD",
      "8:availability.restart",
      "9:availability.max_restarts",
      "11:shutdown.signal",
      "13:readiness_probe.period_seconds",
      "17:depends_on.dbb",
      "18:",
    ]);
    expect(err.message).toContain('process-compose.yaml:13: service "api", field "readiness_probe.period_seconds": must be at least 1ms, got "0s"');
    expect(err.message).toContain('process-compose.yaml:17: service "api", field "depends_on.dbb": unknown service "dbb"');
  });

  test("a missing working_dir is reported under working_dir", () => {
    const err = loadError("process-compose.yml", "processes:\n  api:\n    command: x\n    working_dir: nowhere\n");
    expect(err.message).toStartWith('process-compose.yml:4: service "api", field "working_dir": folder not found: ');
  });

  test("a missing command is reported under command", () => {
    const err = loadError("process-compose.yml", "processes:\n  api:\n    working_dir: .\n");
    expect(err.message).toBe('process-compose.yml:2: service "api", field "command": missing; every service needs cmd: a command line or a list like ["bun", "server.ts"]');
  });

  test("a process written twice is refused", () => {
    const err = loadError("process-compose.yml", "processes:\n  api:\n    command: a\n  api:\n    command: b\n");
    expect(err.message).toBe('process-compose.yml:4: service "api": defined twice (first on line 2); rename or remove one');
  });
});
