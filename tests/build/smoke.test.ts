/**
 * The standalone executable on its own: built once, then run with a PATH that holds no bun and no node
 * (only sh, sleep, cat and static-files, a file server the test compiles from its fixture) through init,
 * doctor, up -d, status, restart, logs, service --print and down. Nothing beyond coreutils comes from the machine.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StatusDocument } from "../../src/api/wire.ts";
import { freePort, httpGet, killMarked, LineReader, pidAlive, waitFor } from "../helpers/net.ts";

const ROOT = join(import.meta.dir, "..", "..");
const root = realpathSync(mkdtempSync(join(tmpdir(), "canopy-smoke-")));
const outdir = join(root, "dist");
const bin = join(root, "bin");
const project = join(root, "project");
const exe = join(outdir, "canopy");
const FILE_SERVER = join(import.meta.dir, "fixtures", "static-files.ts");
let port = 0;

/** Runs the built canopy with nothing but a PATH of sh/sleep/cat/static-files, a HOME and a state folder. */
async function canopy(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const p = Bun.spawn([exe, ...args], {
    cwd: project,
    env: { PATH: bin, HOME: root, CANOPY_STATE_DIR: join(root, "state") },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    timeout: 30_000,
    killSignal: "SIGKILL",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { code, stdout, stderr };
}

async function status(): Promise<StatusDocument> {
  const r = await canopy(["status", "--json"]);
  if (r.code !== 0) throw new Error(`status --json exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as StatusDocument;
}

/** Runs a build to completion; throws with its output when it fails. */
async function build(what: string, argv: string[]): Promise<void> {
  const p = Bun.spawn(argv, { cwd: ROOT, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([p.stdout.text(), p.stderr.text(), p.exited]);
  if (code !== 0) throw new Error(`${what} failed: ${stderr}${stdout}`);
}

beforeAll(async () => {
  mkdirSync(bin);
  await Promise.all([
    build("canopy's build", [process.execPath, join(ROOT, "build.ts"), "--target", "host", "--outdir", outdir]),
    // The web service's server, a standalone executable too: the test brings it, the machine need not.
    build("the static-files fixture's build", [process.execPath, "build", "--compile", FILE_SERVER, "--outfile", join(bin, "static-files")]),
  ]);
  // Only what the services run: the daemon itself needs no tool on PATH (not even getconf for the page size).
  for (const tool of ["sh", "sleep", "cat"]) {
    const path = Bun.which(tool, { PATH: "/usr/bin:/bin" });
    if (path === null) throw new Error(`the smoke test needs ${tool} in /usr/bin or /bin`);
    symlinkSync(path, join(bin, tool));
  }
  mkdirSync(join(project, "www"), { recursive: true });
  writeFileSync(join(project, "www", "index.html"), "hello from static-files\n");
  port = await freePort();
}, 60_000);

afterAll(async () => {
  await canopy(["down"]).catch(() => undefined);
  await killMarked(project);
  rmSync(root, { recursive: true, force: true });
});

test("the executable alone runs a stack end to end", async () => {
  expect(Bun.which("bun", { PATH: bin })).toBeNull();
  expect(Bun.which("node", { PATH: bin })).toBeNull();

  // The marker comment puts the project folder in each service's argv, so cleanup can find strays.
  const web = `exec static-files 127.0.0.1 $PORT ${project}/www`;
  const ticker = `i=0; while :; do i=$((i+1)); echo "tick $i"; sleep 0.2; done # ${project}`;
  const init = await canopy(["init", "--name", "web", "--cmd", web, "--port", String(port), "--name", "ticker", "--cmd", ticker, "--port", ""]);
  expect(init.stderr).toBe("");
  expect(init.code).toBe(0);

  const doctor = await canopy(["doctor"]);
  expect(doctor.stdout).toContain(`ok    web: command ${bin}/static-files (under /bin/sh -c)`);
  expect(doctor.stdout).toEndWith("All checks passed.\n");
  expect(doctor.code).toBe(0);

  const up = await canopy(["up", "-d"]);
  expect(up.stderr).toContain("daemon running");
  expect(up.code).toBe(0);
  expect(up.stdout).toMatch(new RegExp(`^web: running \\(pid \\d+, port ${port}\\)$`, "m"));
  expect(up.stdout).toMatch(/^ticker: running \(pid \d+\)$/m);

  const before = await status();
  expect(before.services.map((s) => [s.name, s.status])).toEqual([["web", "running"], ["ticker", "running"]]);
  expect(await httpGet(port)).toBe("hello from static-files\n");
  const oldWeb = before.services[0]?.pid as number;

  const restart = await canopy(["restart", "web"]);
  expect(restart.code).toBe(0);
  const after = await status();
  const newWeb = after.services[0]?.pid as number;
  expect(after.services[0]?.status).toBe("running");
  expect(newWeb).not.toBe(oldWeb);
  expect(pidAlive(oldWeb)).toBe(false);
  expect(await httpGet(port)).toBe("hello from static-files\n");

  const logs = await waitFor(async () => {
    const r = await canopy(["logs", "ticker", "-n", "5"]);
    return r.code === 0 && /tick [2-9]/.test(r.stdout) ? r : undefined;
  }, "ticks in `canopy logs ticker`", 15_000);
  expect(logs.stdout).toMatch(/^\[ticker\] tick \d+$/m);

  const unit = await canopy(["service", "install", "--user", "--print"]);
  expect(unit.code).toBe(0);
  expect(unit.stdout).toContain(`ExecStart=${exe} up -c ${join(project, "canopy.yaml")}\n`);

  const daemonPid = after.daemon.pid;
  const down = await canopy(["down"]);
  expect(down.code).toBe(0);
  const tickerPid = after.services[1]?.pid as number;
  await waitFor(() => ![daemonPid, newWeb, tickerPid].some(pidAlive), "the daemon and its services to exit", 15_000);
  expect(await httpGet(port, 500)).toBeUndefined();
  expect((await canopy(["status"])).code).toBe(3);
}, 60_000);

test("the executable serves the dashboard with every asset embedded, its TypeScript modules transpiled", async () => {
  expect((await canopy(["up", "-d"])).code).toBe(0);
  const dashboard = Bun.spawn([exe, "dashboard", "--listen", "127.0.0.1:0"], {
    cwd: project,
    env: { PATH: bin, HOME: root, CANOPY_STATE_DIR: join(root, "state") },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  try {
    const url = (await new LineReader(dashboard.stdout).next(30_000)).trim();
    const base = url.slice(0, url.indexOf("/?token="));
    const first = await fetch(url, { redirect: "manual" });
    expect(first.status).toBe(303);
    const cookie = (first.headers.get("set-cookie") ?? "").split(";")[0] as string;
    const get = async (path: string) => {
      const res = await fetch(`${base}${path}`, { headers: { cookie } });
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      return res.text();
    };
    const html = await get("/");
    const app = await get("/assets/app.js");
    const linked = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g), ...app.matchAll(/from "\.(\/[\w-]+\.js)"/g)].map((m) => m[1] as string);
    expect(linked.length).toBeGreaterThanOrEqual(6);
    for (const path of linked) {
      const body = await get(path.startsWith("/assets/") ? path : `/assets${path}`);
      if (path.endsWith(".js")) expect(() => new Bun.Transpiler({ loader: "js" }).scan(body)).not.toThrow();
    }
    const services = JSON.parse(await get("/api/services")) as { services: { name: string }[] };
    expect(services.services.map((s) => s.name)).toEqual(["web", "ticker"]);
    dashboard.kill("SIGINT");
    expect(await dashboard.exited).toBe(0);
  } finally {
    if (dashboard.exitCode === null) dashboard.kill("SIGKILL");
    await canopy(["down"]);
  }
}, 60_000);
