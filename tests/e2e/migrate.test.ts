/**
 * Migrating in one command (issue 22): a file of each foreign format, written as its tool's docs write them,
 * run with `up -c FILE` against real processes — names as written, environments, ports, env selection,
 * numprocs, exit codes that are expected, starts that fail early.
 */
import { afterEach, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { EventEntry, StatusDocument } from "../../src/api/wire.ts";
import { BUN, type TempProject, tempProject } from "../helpers/cli.ts";
import { freePort, httpGet, waitFor } from "../helpers/net.ts";

let project: TempProject | undefined;
let file: string | undefined;

afterEach(async () => {
  if (project && file) await project.cli(["-c", file, "down"]);
  await project?.cleanup();
  project = undefined;
  file = undefined;
});

/** Prints `NAME=value` for each name in argv (`-` when unset), then stays alive. */
const SHOW_ENV = `for (const name of process.argv.slice(2)) console.log(name + "=" + (process.env[name] ?? "-"));
setInterval(() => {}, 1 << 30);
`;
/** Prints that it exits, then exits with argv[2]. */
const EXIT = `console.log("exiting " + process.argv[2]);
process.exit(Number(process.argv[2]));
`;

async function statusOf(p: TempProject, config: string): Promise<StatusDocument> {
  const r = await p.cli(["-c", config, "status", "--json"]);
  if (r.code !== 0) throw new Error(`status exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as StatusDocument;
}

async function eventsOf(p: TempProject, config: string): Promise<EventEntry[]> {
  const r = await p.cli(["-c", config, "events", "--json", "-n", "1000"]);
  return r.stdout.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as EventEntry);
}

/** Waits until `canopy logs NAME` shows `text`; returns the logs. */
async function logsShow(p: TempProject, config: string, name: string, text: string): Promise<string> {
  return waitFor(async () => {
    const out = (await p.cli(["-c", config, "logs", name, "-n", "50"])).stdout;
    return out.includes(text) ? out : undefined;
  }, `${name}'s log to show ${text}`);
}

test("process-compose Quick Start: names kept as written (Manager, ClientA, Server_1A) in status, logs, files and control; top-level environment seen", async () => {
  const p = (project = tempProject());
  const show = p.writeFile("show-env.ts", SHOW_ENV);
  const cmd = (...names: string[]) => JSON.stringify([BUN, show, ...names].join(" "));
  const pc = (file = p.writeFile(
    "process-compose.yaml",
    `version: "0.5"

environment:
  - "GLOBAL_ENV_VAR=shared"
log_level: debug

processes:
  Manager:
    command: ${cmd("GLOBAL_ENV_VAR", "LOCAL_ENV_VAR")}
    availability:
      restart: "always"
    depends_on:
      ClientA:
        condition: process_started

  ClientA:
    command: ${cmd("GLOBAL_ENV_VAR", "LOCAL_ENV_VAR")}
    depends_on:
      Server_1A:
        condition: process_started
    environment:
      - "LOCAL_ENV_VAR=client"

  Server_1A:
    command: ${cmd("GLOBAL_ENV_VAR")}
    replicas: 2
    environment:
      - "GLOBAL_ENV_VAR=own"
`,
  ));
  const up = await p.cli(["-c", pc, "up", "-d"]);
  expect({ code: up.code, stderr: up.stderr }).toMatchObject({ code: 0 });
  expect(up.stderr).not.toContain("replicas");
  expect((await statusOf(p, pc)).services.map((s) => [s.name, s.status])).toEqual([
    ["Manager", "running"],
    ["ClientA", "running"],
    ["Server_1A.1", "running"],
    ["Server_1A.2", "running"],
  ]);
  expect(await logsShow(p, pc, "Manager", "GLOBAL_ENV_VAR=shared")).toContain("LOCAL_ENV_VAR=-");
  expect(await logsShow(p, pc, "ClientA", "GLOBAL_ENV_VAR=shared")).toContain("LOCAL_ENV_VAR=client");
  await logsShow(p, pc, "Server_1A", "GLOBAL_ENV_VAR=own");
  await logsShow(p, pc, "Server_1A.2", "GLOBAL_ENV_VAR=own");
  expect(existsSync(join(p.stateDir, "logs", "Server_1A.2.log"))).toBe(true);

  const before = (await statusOf(p, pc)).services.find((s) => s.name === "ClientA")?.pid;
  expect((await p.cli(["-c", pc, "restart", "ClientA"])).code).toBe(0);
  const after = await waitFor(async () => {
    const s = (await statusOf(p, pc)).services.find((x) => x.name === "ClientA");
    return s?.status === "running" && s.pid !== before ? s.pid : undefined;
  }, "ClientA to run again under a new pid");
  expect(after).not.toBe(before);
  const lower = await p.cli(["-c", pc, "restart", "clienta"]);
  expect(lower.code).not.toBe(0);
  expect(lower.stderr).toContain('no service named "clienta"');
}, 90_000);

test("Procfile: PORT for each process type from the base given by up -p, stepping by 100 in the file's order", async () => {
  const p = (project = tempProject());
  const base = await freePort();
  const listener = p.listener(0).cmd.join(" ");
  const procfile = (file = p.writeFile("Procfile", `web: ${listener}\napi: ${listener}\n`));

  const defaults = await p.cli(["convert", procfile, "-o", "-"], { env: { PORT: undefined } });
  expect(defaults.stdout).toContain('  web:\n    cmd: ' + listener + '\n    env:\n      PORT: "5000"\n  api:');
  expect(defaults.stdout).toContain('PORT: "5100"');

  const up = await p.cli(["-c", procfile, "up", "-d", "-p", String(base)]);
  expect({ code: up.code, stderr: up.stderr }).toMatchObject({ code: 0 });
  expect(up.stdout).toMatch(/^web: running/m);
  await waitFor(async () => (await httpGet(base)) !== undefined && (await httpGet(base + 100)) !== undefined, `answers on ${base} and ${base + 100}`);
  await logsShow(p, procfile, "web", `port=${base}\n`);
  await logsShow(p, procfile, "api", `port=${base + 100}\n`);
  // The daemon re-reads the Procfile with the base it was started with: nothing changed.
  const reload = await p.cli(["-c", procfile, "reload", "--dry-run"]);
  expect({ code: reload.code, stdout: reload.stdout }).toEqual({ code: 0, stdout: "= 2 unchanged\n" });
}, 90_000);

test("PM2 ecosystem.config.js: --env production selects env_production; instances: 3 runs three replicas, cluster mode named in the warning", async () => {
  const p = (project = tempProject());
  p.writeFile("show-env.ts", SHOW_ENV);
  const eco = (file = p.writeFile(
    "ecosystem.config.js",
    `module.exports = {
  apps : [{
    name   : "api-app",
    script : "./show-env.ts",
    interpreter: ${JSON.stringify(BUN)},
    args   : "NODE_ENV GREETING",
    instances : 3,
    exec_mode : "cluster",
    env: {
      NODE_ENV: "development",
      GREETING: "hello"
    },
    env_production: {
      NODE_ENV: "production"
    }
  }]
}
`,
  ));
  const up = await p.cli(["-c", eco, "up", "-d", "--env", "production"]);
  expect({ code: up.code, stderr: up.stderr }).toMatchObject({ code: 0 });
  expect(up.stderr).toContain("apps.api-app.exec_mode: cluster read as separate processes started directly (replicas)");
  expect(await logsShow(p, eco, "api-app.3", "NODE_ENV=production")).toContain("GREETING=hello");
  expect((await statusOf(p, eco)).services.map((s) => s.name)).toEqual(["api-app.1", "api-app.2", "api-app.3"]);
}, 90_000);

test("supervisord.conf: numprocs 2 named by process_name; exit 2 expected under autorestart=unexpected + exitcodes=0,2; an exit before startsecs is a failed start", async () => {
  const p = (project = tempProject());
  const show = p.writeFile("show-env.ts", SHOW_ENV);
  const exit = p.writeFile("exit.ts", EXIT);
  const conf = (file = p.writeFile(
    "supervisord.conf",
    `[supervisord]
nodaemon=true
environment=GREETING="hello, world"

[program:worker]
command=${BUN} ${show} GREETING SLOT
process_name=%(program_name)s_%(process_num)02d
numprocs=2
environment=SLOT="%(process_num)d"
startsecs=0

[program:batch]
command=${BUN} ${exit} 2
autorestart=unexpected
exitcodes=0,2
startsecs=0

[program:flaky]
command=${BUN} ${exit} 0
autorestart=false
startsecs=30
startretries=1
`,
  ));
  const up = await p.cli(["-c", conf, "up", "-d"]);
  expect(up.stderr).toContain("read as a supervisord file");
  await logsShow(p, conf, "worker_00", "SLOT=0");
  expect(await logsShow(p, conf, "worker_01", "SLOT=1")).toContain("GREETING=hello, world");

  const settled = await waitFor(async () => {
    const doc = await statusOf(p, conf);
    const by = Object.fromEntries(doc.services.map((s) => [s.name, s]));
    return by.batch?.status === "completed" && by.flaky?.status === "crashed" ? by : undefined;
  }, "batch to complete and flaky to give up");
  expect(Object.keys(settled)).toEqual(["worker_00", "worker_01", "batch", "flaky"]);
  expect(settled.worker_00?.status).toBe("running");
  expect(settled.batch?.exit_code).toBe(2);

  const events = await eventsOf(p, conf);
  const of = (service: string) => events.filter((e) => e.service === service && e.type !== "ready").map((e) => e.type);
  expect(of("batch")).toEqual(["started", "exited"]);
  // startretries=1: the first start and one retry both exit before startsecs, and canopy gives up as supervisord would (FATAL).
  expect(of("flaky")).toEqual(["started", "exited", "restarting", "started", "exited", "gave_up"]);
  expect(settled.flaky?.reason).toContain("before min_uptime 30000ms: a failed start");
}, 90_000);
