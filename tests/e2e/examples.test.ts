/** The examples run: `up -d` on a copy of each (with free ports), then `down`. */
import { afterEach, expect, test } from "bun:test";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type TempProject, tempProject } from "../helpers/cli.ts";
import { freePort, httpGet, pidAlive, waitFor } from "../helpers/net.ts";

const EXAMPLES = join(import.meta.dir, "..", "..", "examples");

let project: TempProject | undefined;

afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

/** Copies an example into a temp project, replacing each fixed port with a free one. */
async function copyExample(name: string, ports: number[]): Promise<{ p: TempProject; port: Map<number, number> }> {
  const p = (project = tempProject());
  cpSync(join(EXAMPLES, name), p.dir, { recursive: true });
  const port = new Map<number, number>();
  for (const fixed of ports) port.set(fixed, await freePort());
  let text = readFileSync(p.configFile, "utf8");
  // One pass, whole numbers only: a free port must not be rewritten again by the next replacement.
  text = text.replace(/\b\d{4,5}\b/g, (n) => String(port.get(Number(n)) ?? n));
  // Scripts by absolute path: their argv then names the project folder, so cleanup finds any leftover.
  text = text.replace(/"(\w+\.ts)"/g, (_, file: string) => JSON.stringify(join(p.dir, file)));
  writeFileSync(p.configFile, text);
  return { p, port };
}

test("examples/orchestration: db → migrate → api come up in order with their probes, and go down", async () => {
  const { p, port } = await copyExample("orchestration", [7431, 7432]);
  const env = { PATH: `${join(import.meta.dir, "..", "..", "node_modules", ".bin")}:${process.env.PATH}` };
  const up = await p.cli(["up", "-d"], { env });
  // On failure, show what up said and what the daemon logged.
  const daemonLog = () => Bun.file(join(p.stateDir, "daemon.log")).text().catch(() => "(no daemon.log)");
  if (up.code !== 0) expect({ code: up.code, stdout: up.stdout, stderr: up.stderr, log: await daemonLog() }).toMatchObject({ code: 0 });
  expect(up.stderr).toContain("daemon running");
  expect(up.stdout).toMatch(/^db: running \(pid \d+, port \d+\)$/m);
  expect(up.stdout).toMatch(/^migrate: completed — exit 0$/m);
  expect(up.stdout).toMatch(/^api: running \(pid \d+, port \d+\)$/m);
  const apiPort = port.get(7432) as number;
  expect(await httpGet(apiPort)).toStartWith("hello from the api");

  const doc = await p.status();
  expect(doc.services.map((s) => [s.name, s.status, s.ready])).toEqual([
    ["db", "running", true],
    ["migrate", "completed", false],
    ["api", "running", true],
  ]);
  const events = (await p.cli(["events", "--json"])).stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
  const i = (service: string, type: string) => events.findIndex((e) => e.service === service && e.type === type);
  expect(i("migrate", "started")).toBeGreaterThan(i("db", "ready"));
  expect(i("api", "started")).toBeGreaterThan(i("migrate", "exited"));

  const pids = doc.services.flatMap((s) => (s.pid === null ? [] : [s.pid]));
  expect((await p.cli(["down"])).code).toBe(0);
  await waitFor(() => pids.every((pid) => !pidAlive(pid)), "the example's services to be gone");
}, 90_000);

test("examples/demo still comes up", async () => {
  const { p, port } = await copyExample("demo", [8080]);
  const env = { PATH: `${join(import.meta.dir, "..", "..", "node_modules", ".bin")}:${process.env.PATH}` };
  const up = await p.cli(["up", "-d"], { env });
  expect(up.code).toBe(0);
  expect(up.stdout).toMatch(/^web: running/m);
  expect(await httpGet(port.get(8080) as number)).toStartWith("hello from canopy's demo");
}, 90_000);
