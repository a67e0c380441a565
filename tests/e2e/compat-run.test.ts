/** Foreign formats run as they are: a Procfile and a process-compose file under `up -d`, and `convert` to a canopy.yaml that `up` accepts. */
import { afterEach, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type TempProject, tempProject } from "../helpers/cli.ts";
import { freePort, httpGet, waitFor } from "../helpers/net.ts";
import { fixtures } from "./orchestration-fixtures.ts";

let project: TempProject | undefined;

afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

test("a Procfile runs under up -d (with the .env beside it, whose PORT is the base), answers on foreman's ports, and converts to a canopy.yaml up accepts", async () => {
  const p = (project = tempProject());
  const f = fixtures(p);
  const base = await freePort();
  const ports = { web: base, api: base + 100 };
  const procfile = p.writeFile("Procfile", `# two servers\nweb: ${f.server.join(" ")}\napi: ${f.server.join(" ")}\n`);
  p.writeFile(".env", `PORT=${base}\nGREETING=from-dotenv\n`);
  // p.cli passes `-c canopy.yaml` first; a later -c wins.

  const up = await p.cli(["-c", procfile, "up", "-d"]);
  expect(up.stderr).toContain("daemon running");
  expect(up.code).toBe(0);
  expect(up.stdout).toMatch(new RegExp(`^web: running \\(pid \\d+, port ${ports.web}\\)$`, "m"));
  expect(up.stdout).toMatch(new RegExp(`^api: running \\(pid \\d+, port ${ports.api}\\)$`, "m"));
  expect(await waitFor(() => httpGet(ports.web), "web to answer")).toEndWith(" from-dotenv");
  expect(await waitFor(() => httpGet(ports.api), "api to answer")).toEndWith(" from-dotenv");
  const status = await p.cli(["-c", procfile, "status", "--json"]);
  expect(JSON.parse(status.stdout).services.map((s: { name: string; status: string }) => [s.name, s.status])).toEqual([
    ["web", "running"],
    ["api", "running"],
  ]);
  expect((await p.cli(["-c", procfile, "down"])).code).toBe(0);
  await waitFor(async () => (await httpGet(ports.web, 300)) === undefined, "web to stop");

  // convert: canopy.yaml beside the Procfile (refused while one exists), then up with it.
  const refused = await p.cli(["convert", procfile]);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain("already exists");
  expect(refused.stderr).toContain("--force");
  const converted = await p.cli(["convert", procfile, "--force"]);
  expect(converted.code).toBe(0);
  expect(converted.stderr).toContain(`wrote ${p.configFile}`);
  const yaml = readFileSync(p.configFile, "utf8");
  expect(yaml).toStartWith("# canopy.yaml, written by canopy from Procfile\n");
  expect(yaml).toContain("GREETING: from-dotenv");
  const upConverted = await p.cli(["up", "-d"]);
  expect(upConverted.code).toBe(0);
  expect(await waitFor(() => httpGet(ports.web), "web to answer under canopy.yaml")).toEndWith(" from-dotenv");
}, 90_000);

test("a process-compose file runs under up -d: dependencies, probes and env read; unsupported keys warned about on stderr; replicas run as replicas", async () => {
  const p = (project = tempProject());
  const f = fixtures(p);
  const ports = { db: await freePort(), api: await freePort() };
  const pc = p.writeFile(
    "process-compose.yaml",
    `version: "0.5"
processes:
  db:
    command: ${JSON.stringify(f.server.join(" "))}
    environment: ["PORT=${ports.db}", "HEALTHY_AFTER_MS=500"]
    readiness_probe:
      http_get: { host: 127.0.0.1, port: ${ports.db}, path: /healthz }
      period_seconds: 1
    availability: { restart: always }
  api:
    command: ${JSON.stringify(f.server.join(" "))}
    environment: ["PORT=${ports.api}", "GREETING=pc"]
    depends_on:
      db: { condition: process_healthy }
  worker:
    command: "sleep 600"
    replicas: 2
`,
  );
  const up = await p.cli(["-c", pc, "up", "-d"]);
  // The whole answer in the failure message: which service did not come up, and why.
  expect({ code: up.code, stdout: up.stdout, stderr: up.stderr }).toMatchObject({ code: 0 });
  expect(up.stderr).toContain("warning: ");
  expect(up.stderr).toContain("read as a process-compose file");
  expect(up.stderr).toContain("Ignored 1 key canopy does not support: version");
  expect(up.stdout).toMatch(/^worker\.2: running \(pid \d+\)$/m);
  expect(up.stdout).toMatch(new RegExp(`^db: running \\(pid \\d+, port ${ports.db}\\)$`, "m"));
  expect(up.stdout).toMatch(new RegExp(`^api: running \\(pid \\d+, port ${ports.api}\\)$`, "m"));
  expect(await waitFor(() => httpGet(ports.api), "api to answer")).toEndWith(" pc");

  // The warning comes with every command that reads the file (not with down, which does not).
  expect((await p.cli(["-c", pc, "status"])).stderr).toContain("Ignored 1 key canopy does not support: version");
  const events = (await p.cli(["-c", pc, "events", "--json"])).stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
  const i = (service: string, type: string) => events.findIndex((e) => e.service === service && e.type === type);
  expect(i("api", "started")).toBeGreaterThan(i("db", "ready"));
  expect((await p.cli(["-c", pc, "down"])).code).toBe(0);

  // convert to stdout: the same services in canopy's words, nothing written.
  const untouched = readFileSync(p.configFile, "utf8");
  const out = await p.cli(["convert", pc, "-o", "-"]);
  expect(out.code).toBe(0);
  expect(out.stderr).toContain("Ignored 1 key canopy does not support: version");
  expect(out.stdout).toContain("  worker:\n    cmd: sleep 600\n    replicas: 2\n");
  expect(out.stdout).toContain(`http: http://127.0.0.1:${ports.db}/healthz`);
  expect(out.stdout).toContain("depends_on:\n      - db");
  expect(readFileSync(p.configFile, "utf8")).toBe(untouched);

  // convert -o into another folder: paths stay right, and up accepts it.
  const other = join(p.dir, "elsewhere");
  await Bun.write(join(other, ".keep"), "");
  const target = join(other, "canopy.yaml");
  const written = await p.cli(["convert", pc, "-o", target]);
  expect(written.code).toBe(0);
  expect(readFileSync(target, "utf8")).toContain(`cwd: ${p.dir}`);
  const upOther = await p.cli(["-c", target, "up", "-d"]);
  expect(upOther.code).toBe(0);
  expect(await waitFor(() => httpGet(ports.api), "api to answer")).toEndWith(" pc");
  expect((await p.cli(["-c", target, "down"])).code).toBe(0);
}, 90_000);
