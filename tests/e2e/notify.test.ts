/**
 * `notify:` against a real daemon: a service that gives up, one whose liveness check fails and one
 * that cannot start each reach the command once and the webhook once, with no secret of theirs;
 * a failing receiver is counted in /metrics and daemon.log; a hanging one does not slow restarts.
 */
import { afterEach, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { EventEntry } from "../../src/api/wire.ts";
import { type TempProject, tempProject } from "../helpers/cli.ts";
import { waitFor } from "../helpers/net.ts";
import { pidGone } from "../../src/os/proc-info.ts";
import { eventsOf } from "./orchestration-fixtures.ts";

let project: TempProject | undefined;
const servers: Array<{ stop(force?: boolean): unknown }> = [];
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
  for (const s of servers.splice(0)) s.stop(true);
}, 60_000);

/** A webhook receiver on port 0 that records each POSTed JSON body and answers `status` (or never, when "hang"). */
function receiver(answer: number | "hang" = 200) {
  const bodies: Record<string, unknown>[] = [];
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: async (req) => {
      bodies.push((await req.json()) as Record<string, unknown>);
      return answer === "hang" ? new Promise<Response>(() => {}) : new Response(null, { status: answer });
    },
  });
  servers.push(server);
  return { url: `http://127.0.0.1:${server.port}/hook`, bodies };
}

function metric(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const SECRET = `tok-${crypto.randomUUID()}`;

test("gave_up, liveness_failed and start_failed each reach the command and the webhook once, without the service's secrets", async () => {
  const p = (project = tempProject());
  const hook = receiver();
  p.writeConfig({
    services: {
      doomed: { cmd: ["/bin/sh", "-c", "exit 3"], max_restarts: 2, restart_delay: "10ms", env: { API_TOKEN: SECRET } },
      sick: {
        cmd: ["/bin/sh", "-c", "sleep 60"],
        restart: "never",
        env: { API_TOKEN: SECRET },
        alive: { exec: "exit 1", interval: "100ms", failure_threshold: 1 },
      },
      // Its start_failed reason names the program it cannot find, which here contains the secret.
      missing: { cmd: [`/nonexistent/${SECRET}/program`], env: { API_TOKEN: SECRET } },
    },
    // The command appends each payload as a line, and its CANOPY_EVENT_* variables and whole environment to another file.
    notify: {
      command: 'cat >> notified.ndjson; echo >> notified.ndjson; env >> notified.env',
      webhook: hook.url,
    },
  });
  await p.cli(["up", "-d"]);
  const ndjson = join(p.dir, "notified.ndjson");
  const lines = await waitFor(() => {
    const found = existsSync(ndjson) ? readFileSync(ndjson, "utf8").split("\n").filter((l) => l !== "") : [];
    return found.length >= 3 && hook.bodies.length >= 3 ? found : undefined;
  }, "three notifications through the command and the webhook");
  const commandPayloads = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  const doc = await p.status();
  const byEvent = (list: Record<string, unknown>[]) =>
    Object.fromEntries(list.map((x) => [x.event as string, { service: x.service, type: x.type }]));
  const expected = {
    gave_up: { service: "doomed", type: "gave_up" },
    liveness_failed: { service: "sick", type: "exited" },
    start_failed: { service: "missing", type: "start_failed" },
  };
  expect(byEvent(commandPayloads)).toEqual(expected);
  expect(byEvent(hook.bodies)).toEqual(expected);
  const gaveUp = commandPayloads.find((x) => x.event === "gave_up");
  expect(gaveUp).toEqual({
    event: "gave_up",
    type: "gave_up",
    service: "doomed",
    at: expect.any(String),
    crashes: 2,
    reason: "exited with code 3",
    daemon: { pid: doc.daemon.pid, config_file: p.configFile, hostname: expect.any(String) },
  });
  expect(hook.bodies.find((x) => x.event === "gave_up")).toEqual(gaveUp as Record<string, unknown>);
  expect(String(commandPayloads.find((x) => x.event === "liveness_failed")?.reason)).toContain("liveness probe failed");

  const env = readFileSync(join(p.dir, "notified.env"), "utf8");
  expect(env).toContain("CANOPY_EVENT=gave_up\n");
  expect(env).toContain("CANOPY_EVENT_SERVICE=doomed\n");
  expect(env).toContain("CANOPY_EVENT_CRASHES=2\n");
  // The daemon's own events show missing's reason with the secret; what it sends out has it cut out.
  expect(JSON.stringify(await eventsOf(p))).toContain(SECRET);
  expect(String(commandPayloads.find((x) => x.event === "start_failed")?.reason)).toContain("/nonexistent/***/program");
  for (const text of [readFileSync(ndjson, "utf8"), env, JSON.stringify(hook.bodies)]) expect(text).not.toContain(SECRET);

  // Once each: the counters say exactly three per notifier, and nothing failed.
  const text = (await p.cli(["metrics"])).stdout;
  expect([
    metric(text, 'canopy_notify_sent_total{notifier="command"}'),
    metric(text, 'canopy_notify_sent_total{notifier="webhook"}'),
    metric(text, 'canopy_notify_failures_total{notifier="command"}'),
    metric(text, 'canopy_notify_failures_total{notifier="webhook"}'),
  ]).toEqual([3, 3, 0, 0]);
}, 60_000);

test("a failing webhook is retried, then counted in /metrics and named in daemon.log; notify --test reports it", async () => {
  const p = (project = tempProject());
  const hook = receiver(500);
  p.writeConfig({
    services: { doomed: { cmd: ["/bin/sh", "-c", "exit 1"], max_restarts: 1 } },
    notify: { webhook: `${hook.url}?key=${SECRET}`, retries: 1, retry_delay: "10ms" },
  });
  await p.cli(["up", "-d"]);
  const failures = await waitFor(async () => {
    const n = metric((await p.cli(["metrics"])).stdout, 'canopy_notify_failures_total{notifier="webhook"}');
    return n === 1 ? n : undefined;
  }, "the failed delivery to be counted");
  expect(failures).toBe(1);
  expect(hook.bodies.map((b) => b.event)).toEqual(["gave_up", "gave_up"]);
  const log = readFileSync(join(p.stateDir, "daemon.log"), "utf8");
  expect(log).toContain(`notify: webhook ${hook.url} failed for gave_up of doomed`);
  expect(log).toContain("after 2 attempts: HTTP 500");
  expect(log).not.toContain(SECRET);

  const test = await p.cli(["notify", "--test"]);
  expect({ code: test.code, stdout: test.stdout }).toEqual({ code: 1, stdout: "webhook FAILED: HTTP 500\n" });
  expect(hook.bodies.at(-1)).toMatchObject({ event: "test", type: "test", service: "canopy" });
  expect(metric((await p.cli(["metrics"])).stdout, 'canopy_notify_failures_total{notifier="webhook"}')).toBe(2);
}, 60_000);

test("notify --test: each notifier once, exit 0 when all took it; once a reload removed notify:, a bad request naming it", async () => {
  const p = (project = tempProject());
  const hook = receiver(204);
  p.writeConfig({ services: {}, notify: { command: "cat > test-event.json", webhook: hook.url } });
  expect((await p.cli(["up", "-d"])).code).toBe(0);
  const json = await p.cli(["notify", "--test", "--json"]);
  expect(json.code).toBe(0);
  const result = JSON.parse(json.stdout) as { event: Record<string, unknown>; results: unknown[] };
  expect(result.results).toEqual([
    { notifier: "command", ok: true },
    { notifier: "webhook", ok: true },
  ]);
  expect(JSON.parse(readFileSync(join(p.dir, "test-event.json"), "utf8"))).toEqual(result.event);
  expect(hook.bodies).toEqual([result.event]);

  // A reload that removes notify: takes effect at once.
  p.writeConfig({ services: {} });
  expect((await p.cli(["reload"])).code).toBe(0);
  const none = await p.cli(["notify", "--test"]);
  expect(none.code).toBe(2);
  expect(none.stderr).toContain("no notify: in");
  expect((await p.cli(["notify"])).code).toBe(2);
}, 60_000);

/** How long each restart took beyond its planned delay: from "restarting" to the next "started", minus delay_ms. */
function restartOverheads(events: EventEntry[], service: string): number[] {
  const out: number[] = [];
  const mine = events.filter((e) => e.service === service);
  mine.forEach((e, i) => {
    if (e.type !== "restarting") return;
    const next = mine.slice(i + 1).find((n) => n.type === "started");
    if (next) out.push(Date.parse(next.at) - Date.parse(e.at) - (e.delay_ms ?? 0));
  });
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

test("a webhook or a command that never answers does not delay restarts", async () => {
  const crashes = 20;
  const run = async (notify: object | undefined, afterDown?: (p: TempProject) => Promise<void>) => {
    const p = tempProject();
    try {
      p.writeConfig({
        services: {
          crasher: {
            cmd: ["/bin/sh", "-c", "exit 1"],
            max_restarts: crashes,
            restart_delay: "20ms",
            restart_max_delay: "20ms",
          },
        },
        ...(notify && { notify }),
      });
      await p.cli(["up", "-d"]);
      const events = await waitFor(async () => {
        const all = await eventsOf(p);
        return all.some((e) => e.type === "gave_up") ? all : undefined;
      }, "the crasher to give up");
      if (afterDown) {
        expect((await p.cli(["down"])).code).toBe(0);
        await afterDown(p);
      }
      return restartOverheads(events, "crasher");
    } finally {
      await p.cleanup();
    }
  };
  const hung = receiver("hang");
  const every = ["exited", "restarting", "started", "gave_up"];
  const quiet = await run(undefined);
  const hangingWebhook = await run({ webhook: hung.url, events: every, timeout: "60s" });
  // The receiver did get the first event, and is still holding it: the rest wait in the queue.
  expect(hung.bodies.length).toBe(1);
  // The command in flight when the daemon stops is killed, not left behind.
  const hangingCommand = await run({ command: "echo $$ > notify.pid; exec sleep 60", events: every, timeout: "60s" }, async (p) => {
    const pid = Number(readFileSync(join(p.dir, "notify.pid"), "utf8"));
    await waitFor(() => pidGone(pid), "the hanging notify command to be killed at down", 5_000);
  });
  const show = (xs: number[]) => `median ${median(xs)} ms, max ${Math.max(...xs)} ms`;
  console.log(
    `restart overhead beyond restart_delay over ${crashes - 1} restarts — no notify: ${show(quiet)}; ` +
      `hanging webhook: ${show(hangingWebhook)}; hanging command: ${show(hangingCommand)}`,
  );
  for (const overheads of [quiet, hangingWebhook, hangingCommand]) expect(overheads.length).toBe(crashes - 1);
  // Had a delivery been awaited on the way, a restart would have waited for the 60 s timeout.
  for (const overheads of [hangingWebhook, hangingCommand]) {
    expect(Math.max(...overheads)).toBeLessThan(1_000);
    expect(median(overheads)).toBeLessThan(median(quiet) + 50);
  }
}, 90_000);
