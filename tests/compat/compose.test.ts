import { afterAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfigFileWithWarnings } from "../../src/config/load.ts";
import type { ServiceConfig } from "../../src/config/types.ts";
import { isCanopyError } from "../../src/errors.ts";
import { toCompose } from "../../src/export/compose.ts";
import { removeTempDirs, tempDir, thrown } from "../config/tmp.ts";
import { loadStack } from "../export/fixture.ts";
import { runCli } from "../helpers/cli.ts";

afterAll(removeTempDirs);

/** What compose can carry of a service: everything but cwd, alive, the restart budget and backoff. */
function carried(s: ServiceConfig) {
  return { name: s.name, cmd: s.cmd, env: s.env, port: s.port, restart: s.restart, stopSignal: s.stopSignal, stopTimeoutMs: s.stopTimeoutMs, autostart: s.autostart, image: s.image, dependsOn: s.dependsOn };
}

describe("reading a compose file", () => {
  test("what export writes reads back to the same services (ready probes of tcp, http and exec included)", () => {
    const original = loadStack();
    const dir = tempDir();
    writeFileSync(join(dir, "compose.yaml"), toCompose({ config: original, stack: "shop", image: "debian:12" }).files[0]?.text ?? "");
    const { config: again, warnings } = loadConfigFileWithWarnings(join(dir, "compose.yaml"), { display: "compose.yaml" });
    // --image is written for each service that had no image: of its own.
    const expected = original.services.map((s) => ({ ...carried(s), image: s.image ?? "debian:12" }));
    expect(again.services.map(carried)).toEqual(expected);
    const ready = (name: string) => again.services.find((s) => s.name === name)?.ready;
    expect(ready("db")).toEqual(original.services[0]?.ready);
    expect(ready("api")?.check).toEqual({ kind: "http", url: "http://127.0.0.1:8080/healthz" });
    expect(ready("notifier")).toBeUndefined();
    expect(warnings).toEqual(["compose.yaml: read as a compose file. Read differently: services.notifier.profiles: a service in a profile is read as autostart: false."]);
  });

  test("canopy convert turns an exported compose.yaml into a canopy.yaml", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "compose.yaml"), toCompose({ config: loadStack(), stack: "shop", image: "debian:12" }).files[0]?.text ?? "");
    const r = await runCli(["convert", join(dir, "compose.yaml"), "-o", "-"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("  migrate:\n    cmd: echo migrate\n");
  });

  test("other compose forms: a string command, list environment, short ports, on-failure:N, unknown keys named", () => {
    const dir = tempDir({
      "docker-compose.yml": [
        "version: '3.9'",
        "services:",
        "  web:",
        "    image: nginx",
        "    build: .",
        "    command: nginx -g 'daemon off;'",
        "    environment: [MODE=prod, 'PRICE=$$5']",
        "    ports: ['127.0.0.1:8080:80/tcp', '443:443']",
        "    restart: on-failure:4",
        "    healthcheck: { test: ['CMD-SHELL', 'curl -f localhost'], interval: 1m30s, retries: 5 }",
        "",
      ].join("\n"),
    });
    const { config, warnings } = loadConfigFileWithWarnings(join(dir, "docker-compose.yml"), { display: "docker-compose.yml" });
    expect(carried(config.services[0] as ServiceConfig)).toEqual({
      name: "web", cmd: ["/bin/sh", "-c", "nginx -g 'daemon off;'"], env: { MODE: "prod", PRICE: "$5", PORT: "80" }, port: 80,
      restart: "on-failure", stopSignal: "SIGTERM", stopTimeoutMs: 5000, autostart: true, image: "nginx", dependsOn: [],
    });
    expect(config.services[0]?.maxRestarts).toBe(4);
    expect(config.services[0]?.ready).toMatchObject({ check: { kind: "exec", cmd: ["/bin/sh", "-c", "curl -f localhost"] }, intervalMs: 90_000 });
    expect(warnings).toEqual([
      "docker-compose.yml: read as a compose file. Ignored 2 keys canopy does not support: version, services.web.build. " +
        "Read differently: services.web.command: a string is run by /bin/sh -c; services.web.ports: only the first of 2 ports is read; " +
        "services.web.healthcheck.retries: a ready probe is retried until it passes.",
    ]);
  });

  test("deploy.replicas is replicas; the rest of deploy is named; a bad count names deploy.replicas", () => {
    const dir = tempDir({
      "compose.yaml": "services:\n  web:\n    command: ['sleep', '60']\n    deploy: { replicas: 3, resources: { limits: { cpus: '0.5' } } }\n",
      "bad/compose.yaml": "services:\n  web:\n    command: ['sleep', '60']\n    deploy: { replicas: 0 }\n",
    });
    const { config, warnings } = loadConfigFileWithWarnings(join(dir, "compose.yaml"), { display: "compose.yaml" });
    expect(config.services[0]?.replicas).toBe(3);
    expect(warnings).toEqual(["compose.yaml: read as a compose file. Ignored 1 key canopy does not support: services.web.deploy.resources."]);
    const err = thrown(() => loadConfigFileWithWarnings(join(dir, "bad", "compose.yaml"), { display: "compose.yaml" }));
    expect(isCanopyError(err) && err.message).toContain('service "web", field "deploy.replicas": expected a whole number of at least 1, got 0');
  });

  test("a problem names compose's own field", () => {
    const dir = tempDir({ "compose.yaml": "services:\n  web:\n    image: nginx\n    restart: sometimes\n    stop_grace_period: soon\n" });
    const err = thrown(() => loadConfigFileWithWarnings(join(dir, "compose.yaml"), { display: "compose.yaml" }));
    expect(isCanopyError(err) && err.message).toBe(
      [
        "compose.yaml: 3 problems",
        '  compose.yaml:2: service "web", field "command": missing; every service needs cmd: a command line or a list like ["bun", "server.ts"]',
        '  compose.yaml:4: service "web", field "restart": expected no, always, on-failure[:N] or unless-stopped, got "sometimes"',
        '  compose.yaml:5: service "web", field "stop_grace_period": expected a duration like 250ms, 5s or 2m, got "soon"',
      ].join("\n"),
    );
  });
});
