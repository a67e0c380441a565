/**
 * Control-socket load: 200 concurrent keep-alive connections sending 5,000 requests (status,
 * logs, and restarts of a real service). Every request is answered 2xx, the daemon stays
 * healthy, the restarted service runs exactly once, and no file descriptor leaks.
 */
import { afterEach, expect, test } from "bun:test";
import { type TempProject, tempProject } from "../helpers/cli.ts";
import { pidsWithMarker, waitFor } from "../helpers/net.ts";
import { cleanupProject, Connection, fdCount, pickSeed, Rng, settledFdCount } from "./helpers.ts";

const CONNECTIONS = 200;
const REQUESTS = 5_000;
/** fds the daemon may legitimately hold more afterwards (a log file opened, a timer fd…). */
const FD_SLACK = 8;

let project: TempProject | undefined;

afterEach(async () => {
  await cleanupProject(project);
  project = undefined;
});

test("200 concurrent connections, 5,000 requests: every one answered 2xx, daemon healthy, no fd leak", async () => {
  const rng = new Rng(pickSeed("load"));
  const p = (project = tempProject());
  const marker = `${p.dir}/load-target`;
  p.writeConfig({
    services: {
      target: { cmd: ["/bin/sh", "-c", "while :; do sleep 1000; done", marker], stop_timeout: "2s" },
      chatty: p.printer(500),
    },
  });
  expect((await p.cli(["up", "-d"])).code).toBe(0);
  const daemonPid = (await p.status()).daemon.pid;

  const routes = [
    { weight: 48, method: "GET", path: "/v1/services" },
    { weight: 22, method: "GET", path: "/v1/services/chatty/logs?tail=20" },
    { weight: 15, method: "GET", path: "/v1/logs?tail=5" },
    { weight: 10, method: "GET", path: "/v1/services/target" },
    { weight: 5, method: "POST", path: "/v1/services/target/restart" },
  ] as const;
  const total = routes.reduce((n, r) => n + r.weight, 0);
  const pickRoute = () => {
    let x = rng.next() * total;
    for (const r of routes) {
      x -= r.weight;
      if (x < 0) return r;
    }
    return routes[0];
  };

  // Warm up every route once, so lazily opened files count in the "before" figure.
  const warm = await Connection.open(p.socketPath);
  for (const r of routes) expect((await warm.request(r.method, r.path)).status).toBe(200);
  const fdsWithWarm = fdCount(daemonPid);
  warm.close();
  // The warm-up connection's fd is released once the daemon sees it close.
  await waitFor(() => fdCount(daemonPid) < fdsWithWarm, "the warm-up connection to be released", 10_000);
  const fdsBefore = await settledFdCount(daemonPid);

  const plan = Array.from({ length: REQUESTS }, pickRoute);
  const statuses = new Map<number, number>();
  const byRoute = new Map<string, number>();
  let answered = 0;
  const started = Date.now();
  const connections = await Promise.all(Array.from({ length: CONNECTIONS }, () => Connection.open(p.socketPath)));
  // Really concurrent: the daemon holds all of them at once.
  await waitFor(() => fdCount(daemonPid) >= fdsBefore + CONNECTIONS, `${CONNECTIONS} connections open at the daemon`, 10_000);
  const fdsDuring = fdCount(daemonPid);
  await Promise.all(
    connections.map(async (conn, c) => {
      for (let i = c; i < REQUESTS; i += CONNECTIONS) {
        const r = plan[i] as (typeof routes)[number];
        const res = await conn.request(r.method, r.path, 60_000);
        answered++;
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        byRoute.set(r.path, (byRoute.get(r.path) ?? 0) + 1);
        if (res.status !== 200) throw new Error(`${r.method} ${r.path} → ${res.status} ${res.body.toString().slice(0, 200)}`);
        JSON.parse(res.body.toString());
      }
      conn.close();
    }),
  );
  const tookMs = Date.now() - started;
  console.log(
    `load: ${answered} requests over ${CONNECTIONS} connections in ${tookMs} ms; statuses ${JSON.stringify(Object.fromEntries(statuses))}; ` +
      `routes ${JSON.stringify(Object.fromEntries(byRoute))}`,
  );
  expect(answered).toBe(REQUESTS);
  expect([...statuses.keys()]).toEqual([200]);
  expect(byRoute.get("/v1/services/target/restart") ?? 0).toBeGreaterThan(100);

  // Healthy: answers, and the service that was restarted hundreds of times runs exactly once.
  const doc = await p.status();
  const target = doc.services.find((s) => s.name === "target");
  expect(target?.status).toBe("running");
  expect(doc.daemon.pid).toBe(daemonPid);
  await waitFor(() => pidsWithMarker(marker).length === 1, "exactly one target process", 10_000);
  expect(pidsWithMarker(marker)).toEqual([target?.pid as number]);

  // Closed connections are released: back to the warm figure, within a small fixed slack.
  let fdsAfter = fdCount(daemonPid);
  await waitFor(
    () => {
      fdsAfter = fdCount(daemonPid);
      return fdsAfter <= fdsBefore + FD_SLACK;
    },
    `the daemon's fds to come back to ${fdsBefore} + ${FD_SLACK}`,
    15_000,
  ).catch(() => undefined);
  console.log(`load: daemon fds before ${fdsBefore}, with ${CONNECTIONS} connections ${fdsDuring}, after ${fdsAfter}`);
  expect(fdsAfter).toBeLessThanOrEqual(fdsBefore + FD_SLACK);
}, 120_000);
