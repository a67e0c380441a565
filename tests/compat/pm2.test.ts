import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pm2ToRaw } from "../../src/compat/pm2.ts";
import { loadConfigFile, loadConfigFileWithWarnings, loadConfigWithWarnings } from "../../src/config/load.ts";
import { CanopyError } from "../../src/errors.ts";
import { removeTempDirs, tempDir, thrown } from "../config/tmp.ts";
import { PM2_ECOSYSTEM_JS } from "./fixtures.ts";

afterAll(removeTempDirs);

describe("pm2ToRaw", () => {
  test("script + args + interpreter → cmd; env_<name> over env when chosen; timings in ms; the rest named with why", () => {
    const apps = { apps: [{ name: "api", script: "api.js", args: "--port 3000 'a b'", interpreter_args: "--inspect", env: { A: "1", B: "1" }, env_production: { B: "2" }, kill_timeout: 3000, restart_delay: 500, watch: true, merge_logs: true }] };
    const { raw, problems, ignored, notes } = pm2ToRaw(apps, "production");
    expect(problems).toEqual([]);
    expect(raw.services).toEqual({
      api: { cmd: ["node", "--inspect", "api.js", "--port", "3000", "a b"], env: { A: "1", B: "2" }, max_restarts: 16, restart_delay: 500, restart_max_delay: 500, stop_timeout: 3000 },
    });
    expect(ignored).toEqual(["apps.api.merge_logs"]);
    expect(notes).toEqual(["apps.api.watch: ignored: canopy does not restart on file changes"]);
    expect(pm2ToRaw(apps, undefined).raw.services.api).toMatchObject({ env: { A: "1", B: "1" } });
  });

  test("interpreter by extension as PM2 picks it, none runs the script itself, bun when asked; the name defaults to the script's", () => {
    const { raw } = pm2ToRaw({ apps: [{ script: "a.py" }, { script: "./bin/server", args: ["-v", 2] }, { script: "b.ts", interpreter: "bun" }, { script: "c.js", interpreter: "none" }] }, undefined);
    expect(Object.entries(raw.services).map(([name, s]) => [name, (s as { cmd: string[] }).cmd])).toEqual([
      ["a", ["python3", "a.py"]],
      ["server", ["./bin/server", "-v", "2"]],
      ["b", ["bun", "b.ts"]],
      ["c", ["c.js"]],
    ]);
  });

  test("restart settings: autorestart false → never (min_uptime, which only counts restarts, dropped); stop_exit_codes → success_exit_codes; exp backoff doubles up to 15s; PM2's 1600ms kill timeout", () => {
    const { raw, notes } = pm2ToRaw({ apps: [
      { name: "a", script: "a.js", autorestart: false, min_uptime: 1000, max_restarts: 3 },
      { name: "b", script: "b.js", stop_exit_codes: [0, 3], exp_backoff_restart_delay: 100 },
    ] }, undefined);
    expect(raw.services).toEqual({
      a: { cmd: ["node", "a.js"], restart: "never", max_restarts: 3, restart_delay: 0, stop_timeout: 1600 },
      b: { cmd: ["node", "b.js"], restart: "on-failure", success_exit_codes: [0, 3], max_restarts: 16, restart_delay: 100, restart_max_delay: 15_000, stop_timeout: 1600 },
    });
    expect(notes).toEqual(["apps.b.exp_backoff_restart_delay: the delay doubles after each crash in a row (PM2 multiplies it by 1.5), up to 15s as in PM2"]);
  });

  test("instances: N is replicas: N; max and -1 read as the converting machine's CPUs (noted); cluster mode is noted", () => {
    const cpus = navigator.hardwareConcurrency;
    const max = pm2ToRaw({ apps: [{ name: "a", script: "a.js", instances: "max", exec_mode: "cluster" }] }, undefined);
    expect(max.notes).toEqual([
      `apps.a.instances: "max" read as replicas: ${cpus} (the CPUs of the machine converting)`,
      "apps.a.exec_mode: cluster read as separate processes started directly (replicas): canopy has no Node cluster load balancer, so each needs its own port",
    ]);
    expect((max.raw.services.a as { replicas?: number }).replicas).toBe(cpus > 1 ? cpus : undefined);
    const less = pm2ToRaw({ apps: [{ name: "a", script: "a.js", instances: -1 }] }, undefined);
    expect(less.notes).toEqual([`apps.a.instances: -1 read as replicas: ${Math.max(1, cpus - 1)} (the CPUs of the machine converting, less one)`]);
    const four = pm2ToRaw({ apps: [{ name: "a", script: "a.js", instances: 4 }] }, undefined);
    expect(four.notes).toEqual([]);
    expect(four.raw.services.a).toEqual({ cmd: ["node", "a.js"], replicas: 4, max_restarts: 16, restart_delay: 0, stop_timeout: 1600 });
    const one = pm2ToRaw({ apps: [{ name: "a", script: "a.js", instances: 1 }] }, undefined);
    expect(one.notes).toEqual([]);
    expect("replicas" in (one.raw.services.a as object)).toBe(false);
  });

  test.each([
    [{ apps: "x" }, [{ field: "apps", message: 'expected { apps: [ { name, script, … } ] }, got "x"' }]],
    [{ apps: [{ name: "a" }] }, [{ service: "a", field: "script", message: "missing; the file (or program) PM2 would start, got nothing" }]],
    [{ apps: [{ name: "a", script: "a.js" }, { name: "a", script: "b.js" }] }, [{ service: "a", field: "name", message: "two apps are named a; give each its own name" }]],
    [{ apps: [{ name: "a", script: "a.js", args: "'x" }] }, [{ service: "a", field: "args", message: "cannot be split into arguments: no closing single quote" }]],
    [{ apps: [{ name: "a", script: "a.js", autorestart: "yes" }] }, [{ service: "a", field: "autorestart", message: 'expected true or false, got "yes"' }]],
  ])("%j → problems", (value, problems) => {
    expect(pm2ToRaw(value, undefined).problems).toEqual(problems);
  });

  test("--env naming an env no app has is a problem", () => {
    expect(pm2ToRaw({ apps: [{ name: "a", script: "a.js", env_production: {} }] }, "staging").problems).toEqual([{ field: "", message: "--env staging: no app has env_staging" }]);
  });
});

describe("loading an ecosystem file", () => {
  test("ecosystem.config.js is run and read; --env production selects env_production; one warning names instances and the rest", () => {
    const dir = tempDir({ "ecosystem.config.js": PM2_ECOSYSTEM_JS });
    const { config, warnings } = loadConfigFileWithWarnings(join(dir, "ecosystem.config.js"), { display: "ecosystem.config.js", choice: { env: "production" } });
    expect(config.services.map((s) => [s.name, s.cmd, s.env, s.stopTimeoutMs])).toEqual([
      ["api-app", ["node", "./api.js", "--port", "3000"], { NODE_ENV: "production", GREETING: "hello" }, 3000],
      ["worker-app", ["python3", "worker.py"], {}, 1600],
    ]);
    expect(config.services[1]).toMatchObject({ restart: "always", maxRestarts: 10, minUptimeMs: 5000, restartDelayMs: 2000, restartMaxDelayMs: 2000 });
    expect(config.choice).toEqual({ env: "production" });
    expect(config.services[0]?.replicas).toBe(3);
    expect(warnings).toEqual([
      "ecosystem.config.js: read as a PM2 ecosystem file. Ignored 1 key canopy does not support: deploy. Read differently: " +
        "apps.api-app.exec_mode: cluster read as separate processes started directly (replicas): canopy has no Node cluster load balancer, so each needs its own port; " +
        "apps.api-app.max_memory_restart: ignored: canopy has no memory limit yet; apps.api-app.watch: ignored: canopy does not restart on file changes; " +
        "apps.api-app.out_file: ignored: canopy writes each service's output to its own log file (see `canopy logs`); " +
        "apps.worker-app.cron_restart: ignored: canopy has no scheduled restarts yet.",
    ]);
  });

  test("an ecosystem.config.mjs with export default is read as well", () => {
    const dir = tempDir({ "ecosystem.config.mjs": "export default { apps: [{ name: 'web', script: 'web.js' }] };\n" });
    expect(loadConfigFile(join(dir, "ecosystem.config.mjs")).services.map((s) => [s.name, s.cmd])).toEqual([["web", ["node", "web.js"]]]);
  });

  test("ecosystem.json and a YAML file with apps: are read the same way, never run", () => {
    const dir = tempDir({ "ecosystem.json": JSON.stringify({ apps: [{ name: "web", script: "web.js" }] }), "pm2.yaml": "apps:\n  - name: web\n    script: web.js\n" });
    expect(loadConfigFile(join(dir, "ecosystem.json")).services.map((s) => s.cmd)).toEqual([["node", "web.js"]]);
    expect(loadConfigFile(join(dir, "pm2.yaml")).services.map((s) => s.cmd)).toEqual([["node", "web.js"]]);
  });

  test("a JavaScript file that throws is a config error naming it; --env on a file that is not PM2's is refused", () => {
    const dir = tempDir({ "ecosystem.config.js": "throw new Error('boom')\n", Procfile: "web: x\n" });
    const err = thrown(() => loadConfigFile(join(dir, "ecosystem.config.js"), { display: "ecosystem.config.js" })) as CanopyError;
    expect(err).toBeInstanceOf(CanopyError);
    expect(err.message).toBe("ecosystem.config.js: running it failed: boom");
    const wrong = thrown(() => loadConfigFile(join(dir, "Procfile"), { display: "Procfile", choice: { env: "production" } })) as CanopyError;
    expect(wrong.message).toBe("Procfile: --env NAME selects a PM2 ecosystem file's env_NAME (as `pm2 start --env`); this file is not one");
  });

  test("a JavaScript file is never run because of $CANOPY_CONFIG, only when named with -c", () => {
    const dir = tempDir();
    const ran = join(dir, "ran");
    writeFileSync(join(dir, "ecosystem.config.js"), `require("node:fs").writeFileSync(${JSON.stringify(ran)}, "x"); module.exports = { apps: [] };\n`);
    const err = thrown(() => loadConfigWithWarnings({ env: { CANOPY_CONFIG: "ecosystem.config.js" }, cwd: dir })) as CanopyError;
    expect(err.error_type).toBe("invalid_config");
    expect(err.message).toContain("canopy runs one only when it is named with -c");
    expect(existsSync(ran)).toBe(false);
    expect(loadConfigWithWarnings({ explicit: "ecosystem.config.js", env: {}, cwd: dir }).config.services).toEqual([]);
    expect(existsSync(ran)).toBe(true);
  });
});
