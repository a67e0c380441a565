import { afterAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { toSystemd } from "../../src/export/systemd.ts";
import { removeTempDirs, tempDir } from "../config/tmp.ts";
import { requireTool } from "../helpers/system-tool.ts";
import { loadStack, REPLICAS_YAML } from "./fixture.ts";

afterAll(removeTempDirs);

const config = loadStack();
const result = toSystemd({ config, stack: "shop" });
const file = (name: string) => result.files.find((f) => f.name === name)?.text ?? "";
/** A unit's lines without its comment header. */
const lines = (name: string) => file(name).split("\n").filter((l) => !l.startsWith("#"));

describe("toSystemd", () => {
  test("a unit per service and a target that wants the autostart ones", () => {
    expect(result.files.map((f) => f.name)).toEqual([
      "shop-db.service", "shop-migrate.service", "shop-api.service", "shop-notifier.service", "shop-tail_log.service", "shop.target",
    ]);
    expect(lines("shop.target")).toEqual([
      "[Unit]",
      `Description=shop: the services of ${config.file}`,
      "Wants=shop-db.service shop-migrate.service shop-api.service shop-tail_log.service",
      "",
      "[Install]",
      "WantedBy=multi-user.target",
      "",
    ]);
  });

  test("env, env_file, restart, delays, stop signal and timeout, cwd, KillMode", () => {
    expect(lines("shop-db.service")).toEqual([
      "[Unit]",
      "Description=shop: db",
      "PartOf=shop.target",
      "StartLimitIntervalSec=1m",
      "StartLimitBurst=5",
      "",
      "[Service]",
      "Type=simple",
      "ExecStart=/bin/sleep 1000",
      `WorkingDirectory=${config.dir}`,
      'Environment="SHARED=from-env"',
      'Environment="A=x y"',
      'Environment="B=50%%"',
      'Environment="C=$HOME"',
      'Environment="PORT=5432"',
      `EnvironmentFile=${config.dir}/.env`,
      "Restart=always",
      "RestartSec=100ms",
      "KillMode=control-group",
      "KillSignal=SIGINT",
      "TimeoutStopSec=1500ms",
      "",
    ]);
  });

  test("depends_on → Requires= + After=; a dependency awaited to complete is a oneshot, a notify probe Type=notify", () => {
    const api = lines("shop-api.service");
    expect(api).toContain("Requires=shop-migrate.service shop-db.service");
    expect(api).toContain("After=shop-migrate.service shop-db.service");
    expect(api).toContain("RestartSec=1s");
    const migrate = lines("shop-migrate.service");
    expect(migrate.filter((l) => /^(Type|RemainAfterExit|Restart|StartLimitBurst|ExecStart)=/.test(l))).toEqual([
      "StartLimitBurst=2", "Type=oneshot", "RemainAfterExit=yes", 'ExecStart=/bin/sh -c "echo migrate"', "Restart=on-failure",
    ]);
    expect(lines("shop-notifier.service")).toContain("Type=notify");
  });

  test("names what does not map, once, grouped by why", () => {
    expect(result.unmapped).toEqual([
      "db.ready, api.ready, tail_log.ready (systemd has no readiness probe)",
      "db.env.SHARED (systemd's EnvironmentFile= overrides Environment=)",
      "migrate.depends_on.db: healthy (After= waits only until the dependency has started)",
      "api.alive (systemd has no liveness probe)",
    ]);
  });

  test("a bare command is named: systemd searches its own PATH", () => {
    const out = toSystemd({ config: loadStack("services:\n  web:\n    cmd: [bun, web.ts]\n"), stack: "shop" });
    expect(out.unmapped).toEqual(["web.cmd (systemd looks a bare command up in its own PATH, not yours: write its full path)"]);
  });

  test("the same config gives the same bytes", () => {
    expect(toSystemd({ config: loadStack(), stack: "shop" }).files.map((f) => f.text.replace(/\/tmp\/[^/]+/g, "T"))).toEqual(
      result.files.map((f) => f.text.replace(/\/tmp\/[^/]+/g, "T")),
    );
    expect(toSystemd({ config, stack: "shop" })).toEqual(result);
  });

  test("systemd-analyze verify accepts every unit, with no warning", () => {
    const analyze = requireTool("systemd-analyze", "systemd");
    const dir = tempDir();
    for (const f of result.files) writeFileSync(join(dir, f.name), f.text);
    const run = Bun.spawnSync([analyze, "verify", "--man=no", ...result.files.map((f) => join(dir, f.name))], { stdout: "pipe", stderr: "pipe" });
    expect({ code: run.exitCode, stderr: run.stderr.toString() }).toEqual({ code: 0, stderr: "" });
  });

  test("systemd-analyze verify does catch a unit whose command is missing (the check above can fail)", () => {
    const analyze = requireTool("systemd-analyze", "systemd");
    const db = config.services[0] as (typeof config.services)[number];
    const broken = toSystemd({ config: { ...config, services: [{ ...db, cmd: ["/nonexistent/db"] }] }, stack: "shop" });
    const dir = tempDir();
    for (const f of broken.files) writeFileSync(join(dir, f.name), f.text);
    const run = Bun.spawnSync([analyze, "verify", "--man=no", join(dir, "shop-db.service")], { stdout: "pipe", stderr: "pipe" });
    expect(run.exitCode).not.toBe(0);
    expect(run.stderr.toString()).toContain("/nonexistent/db");
  });
});

describe("toSystemd with replicas", () => {
  const replicated = toSystemd({ config: loadStack(REPLICAS_YAML), stack: "shop" });
  const unit = (name: string) => (replicated.files.find((f) => f.name === name)?.text ?? "").split("\n").filter((l) => !l.startsWith("#"));

  test("a unit per replica with its CANOPY_REPLICA and PORT; a dependent requires every one; the target wants them all", () => {
    expect(replicated.files.map((f) => f.name)).toEqual(["shop-web.1.service", "shop-web.2.service", "shop-web.3.service", "shop-api.service", "shop.target"]);
    expect(unit("shop-web.2.service").filter((l) => l.startsWith("Environment=") || l.startsWith("Description="))).toEqual([
      "Description=shop: web.2",
      `Environment="PORT=8001"`,
      `Environment="CANOPY_REPLICA=2"`,
    ]);
    const deps = "shop-web.1.service shop-web.2.service shop-web.3.service";
    expect(unit("shop-api.service").filter((l) => /^(Requires|After)=/.test(l))).toEqual([`Requires=${deps}`, `After=${deps}`]);
    expect(unit("shop.target")).toContain(`Wants=${deps} shop-api.service`);
  });

  test("systemd-analyze verify accepts the replicas' units", () => {
    const analyze = requireTool("systemd-analyze", "systemd");
    const dir = tempDir();
    for (const f of replicated.files) writeFileSync(join(dir, f.name), f.text);
    const run = Bun.spawnSync([analyze, "verify", "--man=no", ...replicated.files.map((f) => join(dir, f.name))], { stdout: "pipe", stderr: "pipe" });
    expect({ code: run.exitCode, stderr: run.stderr.toString() }).toEqual({ code: 0, stderr: "" });
  });
});
