import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync } from "node:fs";
import { join } from "node:path";
import { loadConfigFile, loadConfigWithWarnings } from "../../src/config/load.ts";
import { CanopyError } from "../../src/errors.ts";
import { removeTempDirs, tempDir, thrown } from "./tmp.ts";

afterAll(removeTempDirs);

const EXAMPLE = `services:
  db:
    cmd: ["postgres"]
    ready: { exec: "pg_isready", interval: 500ms, timeout: 2s, initial_delay: 0s }
  migrate:
    cmd: "bun migrate.ts"
    restart: never
    depends_on: { db: { condition: healthy } }
  api:
    cmd: ["bun", "api.ts"]
    port: 8080
    depends_on: [db, migrate]
    ready: { http: "http://127.0.0.1:8080/healthz" }
    alive: { http: "http://127.0.0.1:8080/healthz", interval: 10s, failure_threshold: 3 }
    restart_max_delay: 30s
    restart_reset_after: 60s
`;

function loadError(text: string, files: Record<string, string> = {}): CanopyError {
  const dir = tempDir({ "canopy.yaml": text, ...files });
  const err = thrown(() => loadConfigFile(join(dir, "canopy.yaml"), { display: "canopy.yaml" }));
  expect(err).toBeInstanceOf(CanopyError);
  expect((err as CanopyError).error_type).toBe("invalid_config");
  return err as CanopyError;
}

describe("loading dependencies and probes", () => {
  test("the documented example loads, with no warnings", () => {
    const dir = tempDir({ "canopy.yaml": EXAMPLE });
    const { config, warnings } = loadConfigWithWarnings({ env: {}, cwd: dir });
    expect(warnings).toEqual([]);
    const [db, migrate, api] = config.services;
    expect(db?.ready).toEqual({ check: { kind: "exec", cmd: ["/bin/sh", "-c", "pg_isready"] }, intervalMs: 500, timeoutMs: 2_000, initialDelayMs: 0, failureThreshold: 1 });
    expect(migrate?.dependsOn).toEqual([{ service: "db", condition: "healthy" }]);
    expect(api?.dependsOn).toEqual([
      { service: "db", condition: "healthy" },
      { service: "migrate", condition: "started" },
    ]);
    expect(api?.ready?.check).toEqual({ kind: "http", url: "http://127.0.0.1:8080/healthz" });
    expect(api?.alive).toEqual({ check: { kind: "http", url: "http://127.0.0.1:8080/healthz" }, intervalMs: 10_000, timeoutMs: 1_000, initialDelayMs: 0, failureThreshold: 3 });
    expect([api?.restartMaxDelayMs, api?.restartResetAfterMs]).toEqual([30_000, 60_000]);
  });

  test("a cycle is reported once, on the depends_on line of its first service", () => {
    const err = loadError("services:\n  a:\n    cmd: x\n    depends_on: [b]\n  b:\n    cmd: y\n    depends_on:\n      a: {}\n");
    expect(err.message).toBe('canopy.yaml:4: service "a", field "depends_on": dependency cycle: a → b → a');
  });

  test("unknown dependency and a bad probe name file, line, service and field", () => {
    const text = "services:\n  api:\n    cmd: x\n    depends_on:\n      dbb:\n        condition: healthy\n    alive:\n      tcp: 99999\n  db:\n    cmd: y\n    port: 5432\n";
    expect(loadError(text).message).toBe(
      [
        "canopy.yaml: 2 problems",
        '  canopy.yaml:5: service "api", field "depends_on.dbb": unknown service "dbb"; did you mean db?',
        '  canopy.yaml:8: service "api", field "alive.tcp": must be from 1 to 65535, got 99999',
      ].join("\n"),
    );
  });

  test("completed on an always-restarting dependency points at the condition line", () => {
    const text = "services:\n  db:\n    cmd: x\n  job:\n    cmd: y\n    depends_on:\n      db:\n        condition: completed\n";
    expect(loadError(text).message).toStartWith('canopy.yaml:8: service "job", field "depends_on.db.condition": condition completed waits for "db"');
  });
});

describe("control token file on disk", () => {
  const CONTROL = "services: {}\ncontrol:\n  listen: 127.0.0.1:7070\n  token_file: ./canopy.token\n";

  function withToken(content: string | undefined, mode: number): string {
    const dir = tempDir({ "canopy.yaml": CONTROL, ...(content === undefined ? {} : { "canopy.token": content }) });
    if (content !== undefined) chmodSync(join(dir, "canopy.token"), mode);
    return dir;
  }

  test("a private, non-empty token file loads; the path is absolute", () => {
    const dir = withToken("s3cret\n", 0o600);
    expect(loadConfigFile(join(dir, "canopy.yaml")).control).toEqual({
      listen: { host: "127.0.0.1", port: 7070 },
      tokenFile: join(dir, "canopy.token"),
      allowNonLoopback: false,
    });
    expect(loadConfigFile(join(withToken("t", 0o400), "canopy.yaml")).control?.tokenFile).toEndWith("canopy.token");
  });

  test.each([[0o644, "644"], [0o640, "640"], [0o604, "604"]])("mode %o is refused with chmod 600", (mode, text) => {
    const dir = withToken("s3cret", mode);
    const err = thrown(() => loadConfigFile(join(dir, "canopy.yaml"), { display: "canopy.yaml" })) as CanopyError;
    const file = join(dir, "canopy.token");
    expect(err.message).toBe(`canopy.yaml:4: field "control.token_file": ${file} can be read by group or others (mode ${text}); run chmod 600 ${file}`);
  });

  test("missing or empty token file", () => {
    const missing = withToken(undefined, 0);
    const file = join(missing, "canopy.token");
    expect((thrown(() => loadConfigFile(join(missing, "canopy.yaml"))) as CanopyError).message).toEndWith(
      `field "control.token_file": file not found: ${file}; write a long random token to it and run chmod 600 ${file}`,
    );
    const empty = withToken(" \n", 0o600);
    expect((thrown(() => loadConfigFile(join(empty, "canopy.yaml"))) as CanopyError).message).toEndWith(
      `field "control.token_file": ${join(empty, "canopy.token")} is empty; write a long random token to it`,
    );
  });

  test("a folder is not a token file", () => {
    const dir = tempDir({ "canopy.yaml": CONTROL, "canopy.token/x": "" });
    expect((thrown(() => loadConfigFile(join(dir, "canopy.yaml"))) as CanopyError).message).toEndWith(`not a file: ${join(dir, "canopy.token")}`);
  });
});
