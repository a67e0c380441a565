/**
 * Restart policy that explains itself, through the real CLI and daemon: a liveness failure restarts
 * the service (and says so), a crash loop backs off exponentially, and a healthy run resets the backoff.
 */
import { afterEach, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { BUN, type TempProject, tempProject } from "../helpers/cli.ts";
import { freePort, httpGet, pidAlive, waitFor } from "../helpers/net.ts";
import { eventsOf, fixtures, indexOf, serviceOf, waitForService } from "./orchestration-fixtures.ts";

let project: TempProject | undefined;

afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

test("a failing liveness probe restarts the service: new pid, reason, events and status say why", async () => {
  const p = (project = tempProject());
  const f = fixtures(p);
  const port = await freePort();
  const sick = join(p.dir, "sick");
  p.writeConfig({
    services: {
      api: {
        cmd: f.server,
        port,
        env: { SICK_FLAG: sick },
        ready: { http: `http://127.0.0.1:${port}/healthz`, interval: "100ms" },
        alive: { http: `http://127.0.0.1:${port}/livez`, interval: "200ms", failure_threshold: 2 },
      },
    },
  });
  expect((await p.cli(["up", "-d"])).code).toBe(0);
  const before = await serviceOf(p, "api");
  expect(before).toMatchObject({ status: "running", ready: true, restarts: 0, reason: null });
  const oldPid = before.pid as number;

  // Only this process turns sick (the flag holds its pid): its successor is healthy.
  writeFileSync(sick, String(oldPid));
  const after = await waitForService(p, "api", (s) => s.pid !== null && s.pid !== oldPid && s.ready, "to come back with a new pid");
  expect(after.status).toBe("running");
  expect(after.restarts).toBe(1);
  expect(after.reason).toContain("liveness probe failed 2 times in a row");
  expect(after.reason).toContain("HTTP 500");
  await waitFor(() => !pidAlive(oldPid), "the sick process to be gone");
  expect(await httpGet(port)).toStartWith(String(after.pid));

  const events = await eventsOf(p);
  const exited = indexOf(events, "api", "exited");
  expect(events[exited]).toMatchObject({ pid: oldPid });
  expect(events[exited]?.reason).toContain("liveness");
  const restarting = indexOf(events, "api", "restarting", exited);
  expect(restarting).toBeGreaterThan(exited);
  expect(events[restarting]?.reason).toContain("liveness");
  expect(indexOf(events, "api", "started", restarting)).toBeGreaterThan(restarting);
  const human = await p.cli(["events"]);
  expect(human.stdout).toMatch(new RegExp(`api exited pid ${oldPid} exit \\S+.* — restarted: liveness probe failed`));

  const table = await p.cli(["status"]);
  expect(table.stdout).toMatch(/^api\s+running\s+yes\s+\d+\s+\d+\s+\d+\.\d%\s+\d+\.\dM\s+\S+\s+1\s+1 crash in 60s; last restarted: liveness probe failed/m);
}, 90_000);

/** Delays of the `restarting` events of `service`, in order. */
async function delays(p: TempProject, service: string): Promise<number[]> {
  return (await eventsOf(p)).filter((e) => e.service === service && e.type === "restarting").map((e) => e.delay_ms as number);
}

test("a crash loop backs off exponentially (100ms base, doubling, ±10%) until Canopy gives up, and says so", async () => {
  const p = (project = tempProject());
  p.writeConfig({
    services: {
      loop: { cmd: ["/bin/sh", "-c", `exit 3 # ${p.dir}`], restart_delay: "100ms", restart_max_delay: "10s", max_restarts: 5 },
    },
  });
  const up = await p.cli(["up", "-d"]);
  expect(up.code).toBe(1);
  const gaveUp = await waitForService(p, "loop", (s) => s.status === "crashed", "to give up");
  expect(gaveUp.restarts).toBe(5);
  expect(gaveUp.exit_code).toBe(3);

  const d = await delays(p, "loop");
  expect(d).toHaveLength(4);
  const nominal = [100, 200, 400, 800];
  d.forEach((ms, i) => {
    expect(ms).toBeGreaterThanOrEqual((nominal[i] as number) * 0.9);
    expect(ms).toBeLessThanOrEqual((nominal[i] as number) * 1.1);
  });
  for (let i = 1; i < d.length; i++) expect(d[i] as number).toBeGreaterThan(d[i - 1] as number);
  const events = await eventsOf(p);
  expect(events.at(-1)).toMatchObject({ service: "loop", type: "gave_up", crashes: 5 });

  const table = await p.cli(["status"]);
  expect(table.stdout).toMatch(/^loop\s+crashed\s+-\s+-\s+-\s+-\s+-\s+-\s+5\s+gave up: 5 crashes in 60s; last exit 3; start it again to retry$/m);
  const human = await p.cli(["events", "-n", "2"]);
  expect(human.stdout).toMatch(/ loop exited pid \d+ exit 3 — exited with code 3\n.* loop gave_up after 5 crashes — exited with code 3\n$/);
  expect((await p.cli(["events"])).stdout).toMatch(/ loop restarting in \d+ms — exited with code 3\n/);
}, 90_000);

test("a healthy run (longer than restart_reset_after) resets the backoff to the base delay", async () => {
  const p = (project = tempProject());
  const counter = join(p.dir, "runs");
  // Runs 1-3 crash at once; run 4 is healthy for 1.5 s, then crashes; run 5 crashes at once; then it stays up.
  const script = p.writeFile(
    "flappy.ts",
    `import { existsSync, readFileSync, writeFileSync } from "node:fs";
const file = ${JSON.stringify(counter)};
const run = (existsSync(file) ? Number(readFileSync(file, "utf8")) : 0) + 1;
writeFileSync(file, String(run));
console.log("run " + run);
if (run <= 3 || run === 5) process.exit(1);
if (run === 4) setTimeout(() => process.exit(1), 1500);
setInterval(() => {}, 1 << 30);
`,
  );
  p.writeConfig({
    services: {
      flappy: { cmd: [BUN, script], restart_delay: "100ms", restart_reset_after: "1s", max_restarts: 20 },
    },
  });
  await p.cli(["up", "-d"]);
  await waitFor(async () => (await delays(p, "flappy")).length >= 5, "five restarts", 30_000, 100);
  const d = await delays(p, "flappy");
  const nominal = [100, 200, 400, 100, 200];
  d.slice(0, 5).forEach((ms, i) => {
    expect(ms).toBeGreaterThanOrEqual((nominal[i] as number) * 0.9);
    expect(ms).toBeLessThanOrEqual((nominal[i] as number) * 1.1);
  });
  const settled = await waitForService(p, "flappy", (s) => s.status === "running" && s.restarts === 5, "to stay up after run 6");
  expect(settled.reason).toBe("exited with code 1");
}, 90_000);
