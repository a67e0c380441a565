/**
 * Dependency orchestration through the real CLI and daemon: start order over a DAG, an HTTP-probed
 * dependency holding its dependent back, a crashed dependency blocking it until fixed, a migration
 * that must complete first, and stops in reverse order.
 */
import { afterEach, expect, test } from "bun:test";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BUN, cliEnv, MAIN, type TempProject, tempProject } from "../helpers/cli.ts";
import { freePort, httpGet, pidAlive, waitFor } from "../helpers/net.ts";
import { eventsOf, fixtures, followEvents, indexOf, serviceOf, waitForService } from "./orchestration-fixtures.ts";

let project: TempProject | undefined;

afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

test("a three-level DAG starts in dependency order, the independent branch alongside, and down stops in reverse", async () => {
  const p = (project = tempProject());
  const f = fixtures(p);
  const ports = { a: await freePort(), b: await freePort() };
  p.writeConfig({
    services: {
      // a takes a moment to listen: its dependents must wait for that, d must not.
      a: { cmd: f.server, port: ports.a, env: { BIND_DELAY_MS: "700" } },
      b: { cmd: f.server, port: ports.b, depends_on: { a: { condition: "healthy" } } },
      c: { cmd: f.idle, depends_on: ["b"] },
      d: { cmd: f.idle },
    },
  });

  const up = await p.cli(["up", "-d"]);
  expect(up.stderr).toContain("daemon running");
  expect(up.code).toBe(0);
  for (const name of ["a", "b", "c", "d"]) expect(up.stdout).toMatch(new RegExp(`^${name}: running \\(pid \\d+`, "m"));

  const events = await eventsOf(p);
  const at = (service: string, type: string) => indexOf(events, service, type);
  for (const name of ["a", "b", "c", "d"]) expect(at(name, "started")).toBeGreaterThanOrEqual(0);
  // b only once a is ready (its port accepts), c only once b is (c's default condition on b, which has a port, is healthy).
  expect(at("b", "started")).toBeGreaterThan(at("a", "ready"));
  expect(at("c", "started")).toBeGreaterThan(at("b", "ready"));
  // d does not wait for anyone: it is up before a is even ready.
  expect(at("d", "ready")).toBeLessThan(at("a", "ready"));
  // The timestamps agree with the order.
  const time = (service: string, type: string) => Date.parse(events[at(service, type)]?.at ?? "");
  expect(time("b", "started")).toBeGreaterThanOrEqual(time("a", "ready"));
  expect(time("a", "ready") - time("a", "started")).toBeGreaterThanOrEqual(500);
  expect(time("d", "started") - time("a", "started")).toBeLessThan(500);

  // The human form: one event per line, `<time> <service> <type> pid N`.
  const human = await p.cli(["events", "-n", "100"]);
  expect(human.code).toBe(0);
  const pidOfA = (await serviceOf(p, "a")).pid;
  expect(human.stdout).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\S+Z a ready pid ${pidOfA}$`, "m"));
  expect(human.stdout.trimEnd().split("\n")).toHaveLength(events.length);
  const lastTwo = await p.cli(["events", "-n", "2", "--json"]);
  expect(lastTwo.stdout.trimEnd().split("\n").map((l) => JSON.parse(l))).toEqual(events.slice(-2));

  // down: c before b before a, observed by a follower that ends (exit 0) with the daemon.
  const pids = (await p.status()).services.map((s) => s.pid as number);
  const follower = await followEvents(p);
  try {
    const down = await p.cli(["down"]);
    expect(down.code).toBe(0);
    expect(await follower.proc.exited).toBe(0);
    const stops = (await follower.events()).filter((e) => e.type === "stopped").map((e) => e.service);
    expect([...stops].sort()).toEqual(["a", "b", "c", "d"]);
    expect(stops.indexOf("c")).toBeLessThan(stops.indexOf("b"));
    expect(stops.indexOf("b")).toBeLessThan(stops.indexOf("a"));
  } finally {
    if (follower.proc.exitCode === null) follower.proc.kill("SIGKILL");
  }
  await waitFor(() => pids.every((pid) => !pidAlive(pid)), "every service to be gone after down");
}, 90_000);

test("an HTTP-probed dependency holds its dependent back (waiting) until /healthz answers 200", async () => {
  const p = (project = tempProject());
  const f = fixtures(p);
  const ports = { db: await freePort(), api: await freePort() };
  p.writeConfig({
    services: {
      db: {
        cmd: f.server,
        port: ports.db,
        env: { HEALTHY_AFTER_MS: "2500" },
        ready: { http: `http://127.0.0.1:${ports.db}/healthz`, interval: "100ms" },
      },
      api: { cmd: f.server, port: ports.api, depends_on: ["db"] },
    },
  });

  // up -d settles only once api has started: waiting counts as on its way.
  const up = Bun.spawn([BUN, MAIN, "-c", p.configFile, "up", "-d"], {
    env: cliEnv({ stateDir: p.stateDir }),
    cwd: p.dir,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const upOut = new Response(up.stdout).text();
  try {
    // The table says why, in words, while it lasts (db is unhealthy for 2.5 s).
    const apiRow = await waitFor(
      async () => {
        if (!existsSync(p.socketPath)) return undefined;
        const r = await p.cli(["status"]);
        return r.stdout.split("\n").find((l) => /^api\s+waiting\s/.test(l));
      },
      "api to be waiting for db",
      20_000,
      50,
    );
    expect(apiRow).toMatch(/^api\s+waiting\s+-\s+-\s+\d+\s+-\s+-\s+-\s+0\s+waiting for "db" \(healthy\)$/);
    const waiting = await serviceOf(p, "api");
    expect(waiting).toMatchObject({ status: "waiting", pid: null, waiting_for: ["db"], ready: false, start_error: null });
    // db runs but is not ready: still in its readiness gate (starting), or past it (running).
    const db = await serviceOf(p, "db");
    expect(db.ready).toBe(false);
    expect(db.pid).toBeGreaterThan(0);
    expect(["starting", "running"]).toContain(db.status);
    expect(await httpGet(ports.api, 300)).toBeUndefined();

    expect(await up.exited).toBe(0);
  } finally {
    if (up.exitCode === null) up.kill("SIGKILL");
  }
  expect(await upOut).toMatch(/^api: running \(pid \d+/m);
  const api = await serviceOf(p, "api");
  expect(api).toMatchObject({ status: "running", ready: true });
  expect(await httpGet(ports.api)).toStartWith(String(api.pid));

  const events = await eventsOf(p);
  const dbStarted = events[indexOf(events, "db", "started")];
  const dbReady = events[indexOf(events, "db", "ready")];
  expect(indexOf(events, "api", "started")).toBeGreaterThan(indexOf(events, "db", "ready"));
  // db was not healthy for its first ~2.5 s, and api did not start during them.
  expect(Date.parse(dbReady?.at ?? "") - Date.parse(dbStarted?.at ?? "")).toBeGreaterThanOrEqual(2_000);
}, 90_000);

test("a crashed dependency blocks its dependent, naming it; once fixed and started, the dependent starts by itself", async () => {
  const p = (project = tempProject());
  const f = fixtures(p);
  const flag = join(p.dir, "db-fixed");
  const ports = { db: await freePort(), api: await freePort() };
  p.writeConfig({
    services: {
      db: { cmd: f.server, port: ports.db, restart: "never", env: { REQUIRE_FLAG: flag } },
      api: { cmd: f.server, port: ports.api, depends_on: { db: { condition: "healthy" } } },
    },
  });

  const up = await p.cli(["up", "-d"]);
  expect(up.code).toBe(1);
  expect(up.stderr).toMatch(/^db: crashed .*exit 1/m);
  expect(up.stderr).toMatch(/^api: blocked \(port \d+\) — dependency "db" crashed \(exited with code 1\)/m);

  const api = await serviceOf(p, "api");
  expect(api.status).toBe("blocked");
  expect(api.pid).toBeNull();
  expect(api.start_error?.error_type).toBe("dependency_failed");
  expect(api.start_error?.error_description).toContain('"db"');
  expect((await serviceOf(p, "db")).status).toBe("crashed");
  const table = await p.cli(["status"]);
  expect(table.stdout).toMatch(/^api\s+blocked\s+-\s+-\s+\d+\s+-\s+-\s+-\s+0\s+dependency "db" crashed/m);
  expect(table.stdout).toMatch(/^db\s+crashed\s+.*exit 1; restart: never$/m);

  // Fix db and start it: api follows without being asked.
  writeFileSync(flag, "fixed\n");
  const start = await p.cli(["start", "db"]);
  expect(start.code).toBe(0);
  expect(start.stdout).toMatch(/^db: running \(pid \d+/m);
  const running = await waitForService(p, "api", (s) => s.status === "running" && s.ready, "to start once db is healthy");
  expect(running.start_error).toBeNull();
  expect(await httpGet(ports.api)).toStartWith(String(running.pid));
}, 90_000);

test("a migration (restart: never) completes before the server that depends on it starts", async () => {
  const p = (project = tempProject());
  const f = fixtures(p);
  const marker = join(p.dir, "migrated");
  const port = await freePort();
  const migrate = p.writeFile("migrate.ts", `await Bun.write(${JSON.stringify(marker)}, "v1\\n");\nconsole.log("migrated");\n`);
  p.writeConfig({
    services: {
      migrate: { cmd: [BUN, migrate], restart: "never" },
      // The server refuses to start without the migration's output.
      server: { cmd: f.server, port, env: { REQUIRE_FILE: marker }, depends_on: { migrate: { condition: "completed" } } },
    },
  });

  const up = await p.cli(["up", "-d"]);
  expect(up.code).toBe(0);
  expect(up.stdout).toMatch(/^migrate: completed — exit 0$/m);
  expect(up.stdout).toMatch(/^server: running \(pid \d+/m);
  expect((await serviceOf(p, "migrate")).status).toBe("completed");
  expect((await serviceOf(p, "server")).restarts).toBe(0);

  const events = await eventsOf(p);
  expect(indexOf(events, "server", "started")).toBeGreaterThan(indexOf(events, "migrate", "exited"));
  expect(events[indexOf(events, "migrate", "exited")]).toMatchObject({ exit_code: 0 });

  const table = await p.cli(["status"]);
  expect(table.stdout).toMatch(/^migrate\s+completed\s+-\s+-\s+-\s+-\s+-\s+-\s+0\s+exit 0$/m);
}, 90_000);
