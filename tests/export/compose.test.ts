import { afterAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { toCompose } from "../../src/export/compose.ts";
import { removeTempDirs, tempDir } from "../config/tmp.ts";
import { requireTool } from "../helpers/system-tool.ts";
import { loadStack, REPLICAS_YAML } from "./fixture.ts";

afterAll(removeTempDirs);

const config = loadStack();
const result = toCompose({ config, stack: "shop", image: "debian:12" });
const text = result.files[0]?.text ?? "";
type Doc = Record<string, any>;
const services = (Bun.YAML.parse(text) as Doc).services as Record<string, Doc>;

/** `docker-compose config` on `yaml` in a fresh folder: its exit code, stdout and stderr. */
function composeConfig(yaml: string): { code: number; stdout: string; stderr: string } {
  const compose = requireTool("docker-compose", "docker-compose");
  const dir = tempDir();
  writeFileSync(join(dir, "compose.yaml"), yaml);
  const run = Bun.spawnSync([compose, "-f", join(dir, "compose.yaml"), "config"], { cwd: dir, stdout: "pipe", stderr: "pipe", env: { ...process.env, HOME: "/nonexistent-home" } });
  return { code: run.exitCode, stdout: run.stdout.toString(), stderr: run.stderr.toString() };
}

describe("toCompose", () => {
  test("docker-compose config accepts it and reads back the same settings", () => {
    const run = composeConfig(text);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
    const read = (Bun.YAML.parse(run.stdout) as Doc).services as Record<string, Doc>;
    expect(Object.keys(read).sort()).toEqual(["api", "db", "migrate", "notifier", "tail_log"]);
    // Interpolation would have turned $HOME into a value: the doubled $ keeps it literal.
    expect(read.db?.environment).toEqual({ SECRET: "s3", SHARED: "from-env", A: "x y", B: "50%", C: "$$HOME", PORT: "5432" });
    expect(read.api?.depends_on).toEqual({ migrate: { condition: "service_completed_successfully" }, db: { condition: "service_started" } });
  });

  test("docker-compose config can fail: an unknown condition is refused", () => {
    const run = composeConfig(text.replace("service_started", "service_bored"));
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("service_bored");
  });

  test("depends_on conditions, healthchecks from probes, restart policies, env, ports", () => {
    expect(services.db).toEqual({
      image: "postgres:16",
      command: ["/bin/sleep", "1000"],
      env_file: [`${config.dir}/.env`],
      environment: { SHARED: "from-env", A: "x y", B: "50%", C: "$$HOME", PORT: "5432" },
      ports: [{ target: 5432, published: 5432, protocol: "tcp" }],
      healthcheck: { test: ["CMD", "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/5432"], interval: "250ms", timeout: "1s" },
      restart: "always",
      stop_signal: "SIGINT",
      stop_grace_period: "1500ms",
    });
    expect(services.migrate?.depends_on).toEqual({ db: { condition: "service_healthy" } });
    expect(services.migrate?.restart).toBe("on-failure");
    expect(services.api?.healthcheck).toEqual({ test: ["CMD", "curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:8080/healthz"], interval: "500ms", timeout: "1s" });
    expect(services.notifier?.profiles).toEqual(["manual"]);
    expect(services.notifier?.healthcheck).toBeUndefined();
  });

  test("a dependency on a service whose probe has no healthcheck waits for it to start, and says so", () => {
    const stack = loadStack("services:\n  log:\n    cmd: [/bin/sleep, '9']\n    ready: { log: up }\n  web:\n    cmd: [/bin/sleep, '9']\n    depends_on: { log: { condition: healthy } }\n");
    const out = toCompose({ config: stack, stack: "shop", image: "debian:12" });
    expect((Bun.YAML.parse(out.files[0]?.text ?? "") as Doc).services.web.depends_on).toEqual({ log: { condition: "service_started" } });
    expect(out.unmapped).toEqual([
      "log.ready.log (compose healthchecks run a command)",
      "web.depends_on.log: healthy (its dependency has no healthcheck here, so it waits for service_started)",
    ]);
  });

  test("names what does not map", () => {
    expect(result.unmapped).toEqual([
      "migrate.max_restarts, api.restart_delay (docker's own restart backoff applies)",
      "api.alive (compose has one healthcheck, the ready probe, and does not restart an unhealthy container)",
      "notifier.ready.notify, tail_log.ready.log (compose healthchecks run a command)",
    ]);
  });

  test("the same config gives the same bytes", () => {
    expect(toCompose({ config, stack: "shop", image: "debian:12" })).toEqual(result);
  });
});

describe("toCompose with replicas", () => {
  const replicated = toCompose({ config: loadStack(REPLICAS_YAML), stack: "shop" });
  const yaml = replicated.files[0]?.text ?? "";

  test("deploy.replicas, and the replicas' ports published as a range; docker-compose config accepts it", () => {
    const web = ((Bun.YAML.parse(yaml) as Doc).services as Record<string, Doc>).web as Doc;
    expect(web.deploy).toEqual({ replicas: 3 });
    expect(web.ports).toEqual(["8000-8002:8000/tcp"]);
    const run = composeConfig(yaml);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
    const read = ((Bun.YAML.parse(run.stdout) as Doc).services as Record<string, Doc>).web as Doc;
    expect(read.deploy).toEqual({ replicas: 3 });
    expect(read.ports).toEqual([{ protocol: "tcp", published: "8000-8002", target: 8000 }]);
  });
});
