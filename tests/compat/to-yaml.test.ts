import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { configToYaml } from "../../src/compat/to-yaml.ts";
import { loadConfigFile, loadConfigFileWithWarnings } from "../../src/config/load.ts";
import type { SourceComment } from "../../src/config/source.ts";
import type { CanopyConfig } from "../../src/config/types.ts";
import { removeTempDirs, tempDir } from "../config/tmp.ts";
import { PC_FILE, PC_QUICK_START, PM2_ECOSYSTEM_JS, SUPERVISORD_CONF } from "./fixtures.ts";

afterAll(removeTempDirs);

/** Writes `configToYaml(config)` as canopy.yaml beside the original and loads it back. */
function roundTrip(config: CanopyConfig, comments: SourceComment[] = []): { text: string; again: CanopyConfig } {
  const text = configToYaml(config, comments);
  const path = join(config.dir, "canopy.yaml");
  writeFileSync(path, text);
  return { text, again: loadConfigFile(path) };
}

/** The config without the fields naming the file it came from. */
function body(config: CanopyConfig): Omit<CanopyConfig, "file" | "dir"> {
  const { file: _file, dir: _dir, ...rest } = config;
  return rest;
}

describe("configToYaml", () => {
  test("writes readable block YAML with only the non-default keys", () => {
    const dir = tempDir({
      "canopy.yaml": [
        "services:",
        "  db:",
        "    cmd: [postgres, -D, data]",
        "    port: 5432",
        "  api:",
        "    cmd: bun api.ts",
        "    env: { MODE: 'yes', N: 3 }",
        "    depends_on: [db]",
        "    restart: on-failure",
        "    stop_timeout: 1500ms",
        "",
      ].join("\n"),
    });
    expect(configToYaml(loadConfigFile(join(dir, "canopy.yaml")))).toBe(
      [
        "# canopy.yaml, written by canopy from canopy.yaml",
        "services:",
        "  db:",
        "    cmd:",
        "      - postgres",
        '      - "-D"',
        "      - data",
        "    port: 5432",
        "  api:",
        "    cmd: bun api.ts",
        "    env:",
        '      MODE: "yes"',
        '      "N": "3"',
        "    depends_on:",
        "      - db",
        "    restart: on-failure",
        "    stop_timeout: 1500ms",
        "",
      ].join("\n"),
    );
  });

  test("no services, default logs, no control", () => {
    const dir = tempDir({ "canopy.yaml": "services: {}\n" });
    expect(configToYaml(loadConfigFile(join(dir, "canopy.yaml")))).toBe("# canopy.yaml, written by canopy from canopy.yaml\nservices: {}\n");
  });
});

describe("round trips: configToYaml → write → loadConfigFile gives the same config", () => {
  test("a Procfile with a .env", () => {
    const dir = tempDir({ Procfile: "web: bundle exec puma -p $PORT\nworker: bin/worker --queue 'a b'\n", ".env": "SECRET=\"x y\"\nEMPTY=\n" });
    const config = loadConfigFile(join(dir, "Procfile"));
    expect(config.services[0]?.env).toEqual({ SECRET: "x y", EMPTY: "", PORT: "5000" });
    const { again } = roundTrip(config);
    expect(again.services).toEqual(config.services);
    expect(body(again)).toEqual(body(config));
  });

  test("max_memory, nice and limits: one value where soft and hard agree, sizes written as sizes", () => {
    const dir = tempDir({
      "canopy.yaml": [
        "services:",
        "  web:",
        "    cmd: [sleep, '600']",
        "    max_memory: 512MB",
        "    nice: 10",
        "    limits: { nofile: 1024, core: 0, fsize: { soft: 64KB, hard: 1GB }, cpu: 2m, stack: { soft: 8MB } }",
        "",
      ].join("\n"),
    });
    const config = loadConfigFile(join(dir, "canopy.yaml"));
    const { text, again } = roundTrip(config);
    expect(again.services).toEqual(config.services);
    expect(text).toContain(
      "    max_memory: 512MB\n    nice: 10\n    limits:\n      nofile: 1024\n      core: 0\n      stack:\n        soft: 8MB\n      cpu: 120\n      fsize:\n        soft: 64KB\n        hard: 1GB\n",
    );
  });

  test("a process-compose file", () => {
    const dir = tempDir({ "process-compose.yaml": PC_FILE, "api/.keep": "" });
    const config = loadConfigFile(join(dir, "process-compose.yaml"));
    const { text, again } = roundTrip(config);
    expect(again.services).toEqual(config.services);
    expect(body(again)).toEqual(body(config));
    expect(text).toContain("    cwd: api\n");
    expect(text).toContain("      migrate:\n        condition: completed\n");
  });

  test("a supervisord.conf with an include: the same services, and each key read differently as a comment above its service", () => {
    const dir = tempDir({ "supervisord.conf": SUPERVISORD_CONF, "conf.d/web.conf": "[program:Web]\ncommand=bun web.ts\nuser=www\n" });
    const loaded = loadConfigFileWithWarnings(join(dir, "supervisord.conf"), { env: { QUEUE: "high" } });
    const { text, again } = roundTrip(loaded.config, loaded.comments);
    expect(again.services).toEqual(loaded.config.services);
    expect(text).toContain("# [group:app]: its programs run as services of their own");
    expect(text).toContain("\n  # [program:Web].user: ignored: canopy runs every service as the user running canopy (it has no user key)\n  Web:\n");
    expect(text).toContain("\n  cat_00:\n    cmd:\n      - /bin/cat\n");
  });

  test("a PM2 ecosystem file read with --env production: the header says so; instances written as replicas, cluster mode noted above the app", () => {
    const dir = tempDir({ "ecosystem.config.js": PM2_ECOSYSTEM_JS });
    const loaded = loadConfigFileWithWarnings(join(dir, "ecosystem.config.js"), { choice: { env: "production" } });
    const { text, again } = roundTrip(loaded.config, loaded.comments);
    expect(again.services).toEqual(loaded.config.services);
    expect(text).toStartWith("# canopy.yaml, written by canopy from ecosystem.config.js read with --env production\n# deploy: not supported, left out\nservices:\n");
    expect(text).toContain("  # apps.api-app.exec_mode: cluster read as separate processes started directly (replicas)");
    expect(text).toContain("    replicas: 3\n");
  });

  test("process-compose's Quick Start shape: capitalised names and the shared environment survive", () => {
    const dir = tempDir({ "process-compose.yaml": PC_QUICK_START });
    const loaded = loadConfigFileWithWarnings(join(dir, "process-compose.yaml"));
    const { text, again } = roundTrip(loaded.config, loaded.comments);
    expect(again.services).toEqual(loaded.config.services);
    expect(again.services.map((s) => s.name)).toEqual(["Manager", "ClientA", "Server_1A"]);
    expect(text).toContain("  Server_1A:\n    cmd: ./server --port 9001\n    env:\n      GLOBAL_ENV_VAR: override\n    replicas: 2\n");
  });

  test("a canopy.yaml using every key, control and logs, odd names and values", () => {
    const dir = tempDir({
      "src/canopy.yaml": [
        "services:",
        "  web:",
        "    cmd: [bun, 'web server.ts', '--flag=a: b']",
        "    cwd: ../elsewhere",
        "    env: { TRUE: 'true', NUM: '010', NULLISH: 'null', MULTI: \"a\\nb\", HASH: '#x', EMPTY: '' }",
        "    port: 3000",
        "    restart: never",
        "    max_restarts: 9",
        "    restart_window: 2m",
        "    restart_delay: 45s",
        "    restart_reset_after: 90s",
        "    stop_signal: QUIT",
        "    stop_timeout: 0",
        "    autostart: false",
        "    image: ghcr.io/acme/web:1.2",
        "    alive: { exec: [curl, -f, 'http://x/'], interval: 3s, timeout: 250ms, initial_delay: 1h, failure_threshold: 9 }",
        "  '2':",
        "    cmd: two",
        "    ready: { log: '^ready: \\d+$' }",
        "  '1':",
        "    cmd: one",
        "    ready: { notify: true, interval: 1s }",
        "    depends_on: { web: { condition: completed }, '2': { condition: started } }",
        "    restart_max_delay: 5m",
        "  n:",
        "    cmd: n",
        "    ready: { tcp: 9000 }",
        "    port: 9000",
        "    depends_on: ['1']",
        "logs: { max_size: 1536, max_files: 9 }",
        "control: { listen: '[::1]:7070', token_file: token, allow_non_loopback: true }",
        "",
      ].join("\n"),
      "src/token": "t0k3n",
      "elsewhere/.keep": "",
    });
    chmodSync(join(dir, "src/token"), 0o600);
    const config = loadConfigFile(join(dir, "src/canopy.yaml"));
    expect(config.services.map((s) => s.name)).toEqual(["web", "2", "1", "n"]);
    const { text, again } = roundTrip(config);
    expect(again).toEqual(config);
    expect(text).toContain(`    cwd: ${join(dir, "elsewhere")}\n`);
    expect(text).toContain("control:\n  listen: \"[::1]:7070\"\n  token_file: token\n  allow_non_loopback: true\n");
    expect(text).not.toContain("ready:\n      tcp: 9000");
  });
});
