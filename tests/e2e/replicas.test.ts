/** `replicas: N`, `canopy scale` and `restart --rolling` through the real CLI and daemon, against tiny Bun HTTP servers. */
import { afterEach, expect, test } from "bun:test";
import type { ServiceView } from "../../src/api/wire.ts";
import { type TempProject, tempProject } from "../helpers/cli.ts";
import { freePort, pidAlive, portAccepts, waitFor } from "../helpers/net.ts";

let project: TempProject | undefined;

afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

/** Answers every request with its replica number and pid; says so on stdout once it listens. */
const SERVER = `const server = Bun.serve({
  port: Number(process.env.PORT),
  hostname: "127.0.0.1",
  fetch: () => new Response(\`replica \${process.env.CANOPY_REPLICA} pid \${process.pid}\`),
});
console.log(\`listening on \${server.port} as replica \${process.env.CANOPY_REPLICA}\`);
`;

/** A port P with P … P+count-1 all free a moment ago (the first picked by the kernel, the others tried by binding). */
function freeRange(count: number): number {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = freePort();
    if (base + count - 1 > 65_535) continue;
    const held: ReturnType<typeof Bun.serve>[] = [];
    try {
      for (let i = 1; i < count; i++) held.push(Bun.serve({ port: base + i, hostname: "127.0.0.1", fetch: () => new Response("") }));
      return base;
    } catch {
      // One of them is taken: try another base.
    } finally {
      for (const s of held) void s.stop(true);
    }
  }
  throw new Error(`no ${count} consecutive free ports after 50 tries`);
}

function webConfig(p: TempProject, port: number, replicas: number): object {
  const script = p.writeFile("server.ts", SERVER);
  return { services: { web: { cmd: [process.execPath, script], port, replicas, stop_timeout: "5s" } } };
}

async function rows(p: TempProject): Promise<ServiceView[]> {
  return (await p.status()).services;
}

/** name → pid of the running replicas of web. */
async function pids(p: TempProject): Promise<Map<string, number>> {
  return new Map((await rows(p)).flatMap((s) => (s.pid === null ? [] : [[s.name, s.pid] as [string, number]])));
}

async function body(port: number): Promise<string | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1_000) });
    return await res.text();
  } catch {
    return undefined;
  }
}

test("replicas: 3 with port runs three listeners on three ports, NAME.i rows and [web.2] log lines; scale to 5 and back to 2 keeps the right pids; stop web.2 stops only it", async () => {
  const p = (project = tempProject());
  const base = freeRange(5);
  p.writeConfig(webConfig(p, base, 3));
  const up = await p.cli(["up", "-d"]);
  expect(up.code).toBe(0);

  const three = await rows(p);
  expect(three.map((s) => [s.name, s.status, s.ready, s.port, s.replica])).toEqual([
    ["web.1", "running", true, base, { service: "web", index: 1 }],
    ["web.2", "running", true, base + 1, { service: "web", index: 2 }],
    ["web.3", "running", true, base + 2, { service: "web", index: 3 }],
  ]);
  for (const [i, s] of three.entries()) {
    expect(await portAccepts(base + i)).toBe(true);
    expect(await body(base + i)).toBe(`replica ${i + 1} pid ${s.pid}`);
  }
  expect(await portAccepts(base + 3)).toBe(false);
  const logs = await waitFor(async () => {
    const out = (await p.cli(["logs", "web", "-n", "50"])).stdout;
    return out.includes("[web.3] ") && out;
  }, "every replica's line in the logs");
  expect(logs).toContain(`[web.2] listening on ${base + 1} as replica 2\n`);
  expect((await p.cli(["logs", "web.2"])).stdout).toBe(`[web.2] listening on ${base + 1} as replica 2\n`);

  const before = await pids(p);
  const up5 = await p.cli(["scale", "web=5"]);
  expect(up5).toMatchObject({ code: 0, stdout: "web: 3 → 5 replicas (+web.4 +web.5)\n" });
  const five = await pids(p);
  expect([...five.keys()]).toEqual(["web.1", "web.2", "web.3", "web.4", "web.5"]);
  for (const name of ["web.1", "web.2", "web.3"]) expect(five.get(name)).toBe(before.get(name) as number);
  expect(await body(base + 4)).toBe(`replica 5 pid ${five.get("web.5")}`);

  const down2 = await p.cli(["scale", "web=2"]);
  expect(down2).toMatchObject({ code: 0, stdout: "web: 5 → 2 replicas (-web.5 -web.4 -web.3)\n" });
  const two = await pids(p);
  expect([...two.entries()]).toEqual([
    ["web.1", before.get("web.1") as number],
    ["web.2", before.get("web.2") as number],
  ]);
  for (const name of ["web.3", "web.4", "web.5"]) expect(pidAlive(five.get(name) as number)).toBe(false);
  expect((await rows(p)).map((s) => s.name)).toEqual(["web.1", "web.2"]);

  const stopped = await p.cli(["stop", "web.2"]);
  expect(stopped.code).toBe(0);
  expect(pidAlive(two.get("web.2") as number)).toBe(false);
  expect(pidAlive(two.get("web.1") as number)).toBe(true);
  expect((await rows(p)).map((s) => [s.name, s.status])).toEqual([
    ["web.1", "running"],
    ["web.2", "stopped"],
  ]);
  expect(await portAccepts(base + 1)).toBe(false);

  // NAME acts on every replica.
  const started = await p.cli(["start", "web"]);
  expect(started.code).toBe(0);
  const again = await pids(p);
  expect(again.get("web.1")).toBe(two.get("web.1") as number);
  expect(again.size).toBe(2);
}, 120_000);

test("restart --rolling restarts one replica at a time: a client polling every replica every 50 ms always finds one serving", async () => {
  const p = (project = tempProject());
  const base = freeRange(3);
  p.writeConfig(webConfig(p, base, 3));
  expect((await p.cli(["up", "-d"])).code).toBe(0);
  const before = await pids(p);
  expect(before.size).toBe(3);

  let polling = true;
  const ticks: number[] = [];
  const poller = (async () => {
    while (polling) {
      const answers = await Promise.all([0, 1, 2].map((i) => body(base + i)));
      ticks.push(answers.filter((a) => a !== undefined).length);
      await Bun.sleep(50);
    }
  })();
  const rolled = await p.cli(["restart", "--rolling", "web"]);
  polling = false;
  await poller;

  expect(rolled.code).toBe(0);
  expect(rolled.stdout.split("\n").filter(Boolean).map((l) => l.replace(/ \(pid \d+\)/, ""))).toEqual([
    "web.1: restarted, ready",
    "web.2: restarted, ready",
    "web.3: restarted, ready",
  ]);
  const after = await pids(p);
  for (const name of ["web.1", "web.2", "web.3"]) {
    expect(after.get(name)).toBeDefined();
    expect(after.get(name)).not.toBe(before.get(name));
    expect(pidAlive(before.get(name) as number)).toBe(false);
  }
  // A tick where one replica was down shows the rolling restart was under way while the client polled.
  expect(ticks.length).toBeGreaterThan(3);
  expect(ticks.some((n) => n < 3)).toBe(true);
  expect(ticks.filter((n) => n === 0)).toEqual([]);

  // Bad scales change nothing: an unknown service, a replica's name, a count out of range.
  expect(await p.cli(["scale", "nope=2"])).toMatchObject({ code: 1, stderr: 'canopy: no service named "nope" in this config\n' });
  expect((await p.cli(["scale", "web.2=2"])).stderr).toContain("scale takes a service's name, not one replica's");
  expect((await p.cli(["scale", "web=0"])).code).toBe(2);
  expect(await pids(p)).toEqual(after);
}, 120_000);

test("reload applies a changed replicas by difference (the kept replicas keep their pids); 3 → 1 gives back the plain name", async () => {
  const p = (project = tempProject());
  const base = freeRange(3);
  p.writeConfig(webConfig(p, base, 2));
  expect((await p.cli(["up", "-d"])).code).toBe(0);
  const two = await pids(p);

  p.writeConfig(webConfig(p, base, 3));
  const grown = await p.cli(["reload"]);
  expect(grown).toMatchObject({ code: 0, stdout: "~ web\n= 0 unchanged\n" });
  const three = await waitFor(async () => {
    const now = await pids(p);
    return now.size === 3 ? now : undefined;
  }, "web.3 to run");
  expect(three.get("web.1")).toBe(two.get("web.1") as number);
  expect(three.get("web.2")).toBe(two.get("web.2") as number);

  p.writeConfig(webConfig(p, base, 1));
  expect((await p.cli(["reload"])).code).toBe(0);
  const one = await waitFor(async () => {
    const now = await pids(p);
    return now.size === 1 && now.has("web") ? now : undefined;
  }, "the plain web to run");
  for (const pid of three.values()) expect(pidAlive(pid)).toBe(false);
  expect(await body(base)).toBe(`replica undefined pid ${one.get("web")}`);
}, 120_000);

test("replicas that are not a whole number from 1, with schedule, or whose ports run into another service's are refused by file, service and field; nothing starts", async () => {
  const p = (project = tempProject());
  const base = freeRange(3);
  const bad = async (web: object, more: object = {}) => {
    p.writeConfig({ services: { web: { cmd: ["sleep", "60"], ...web }, ...more } });
    const r = await p.cli(["up", "-d"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('canopy.yaml:');
    expect(r.stderr).toContain('service "web", field "replicas": ');
    return r.stderr;
  };
  expect(await bad({ replicas: 0 })).toContain("must be from 1 to 256, got 0");
  expect(await bad({ replicas: -2 })).toContain("must be from 1 to 256, got -2");
  expect(await bad({ replicas: 1.5 })).toContain("expected a whole number from 1 to 256, got 1.5");
  expect(await bad({ replicas: 2, schedule: "@hourly", restart: "never" })).toContain("a scheduled service runs one process per tick");
  expect(await bad({ replicas: 3, port: base }, { api: { cmd: ["sleep", "60"], port: base + 2 } })).toContain(
    `replica 3 would listen on port ${base + 2}, which "api" uses`,
  );
  expect(await portAccepts(base)).toBe(false);
}, 60_000);
