/** The dashboard server in-process: a fake upstream stands for the daemon's socket. */
import { expect, test } from "bun:test";
import { tokenDigest } from "../../src/api/token-compare.ts";
import type { StatusDocument } from "../../src/api/wire.ts";
import { pageAssets } from "../../src/dashboard/assets.ts";
import { createDashboardHandler, type Upstream } from "../../src/dashboard/handler.ts";
import { CONTENT_SECURITY_POLICY } from "../../src/dashboard/headers.ts";
import { CanopyError } from "../../src/errors.ts";
import { serviceView } from "../helpers/service-view.ts";

const TOKEN = "t0ken-from-the-printed-url";
const COOKIE = "canopy_dashboard_7474";
const BASE = "http://127.0.0.1:7474";

function setup(upstream?: Upstream) {
  const calls: string[] = [];
  const fake: Upstream = async (method, path) => {
    calls.push(`${method} ${path}`);
    if (path.startsWith("/v1/services?") || path === "/v1/services") {
      const doc: StatusDocument = {
        daemon: { pid: 1, version: "canopy 0.1.0", started_at: "2026-12-05T08:00:00.000Z", config_file: "/x/canopy.yaml" },
        services: [serviceView("api", { status: "blocked" })],
      };
      return Response.json(doc);
    }
    if (path.includes("follow=1")) {
      return new Response('\n{"type":"started","service":"api","at":"2026-12-05T08:00:00.000Z"}\n{"type":"rea', {
        headers: { "content-type": "application/x-ndjson" },
      });
    }
    if (path === "/v1/services/nope/restart") return Response.json({ error_type: "unknown_service", error_description: "no service named nope" }, { status: 404 });
    return Response.json({ ok: path });
  };
  const handler = createDashboardHandler({
    expectedToken: tokenDigest(TOKEN),
    cookieName: COOKIE,
    upstream: upstream ?? fake,
    assets: pageAssets(),
    why: (s) => `why ${s.name}`,
    aliveCheck: (name) => (name === "api" ? "http http://127.0.0.1:1/livez every 5s" : null),
    graph: () => ({ services: [{ name: "api", depends_on: [] }] }),
  });
  const send = (path: string, init: { method?: string; cookie?: string | null; origin?: string | null; host?: string } = {}) => {
    const headers = new Headers({ host: init.host ?? "127.0.0.1:7474" });
    const cookie = init.cookie === undefined ? `${COOKIE}=${TOKEN}` : init.cookie;
    if (cookie !== null) headers.set("cookie", cookie);
    if (init.origin !== undefined && init.origin !== null) headers.set("origin", init.origin);
    return handler(new Request(`${BASE}${path}`, { method: init.method ?? "GET", headers }));
  };
  return { send, calls };
}

test("the first visit trades the token for an HttpOnly SameSite=Strict cookie and a redirect to / (the token leaves the URL)", async () => {
  const { send } = setup();
  const res = await send(`/?token=${TOKEN}`, { cookie: null });
  expect(res.status).toBe(303);
  expect(res.headers.get("location")).toBe("/");
  expect(res.headers.get("set-cookie")).toBe(`${COOKIE}=${TOKEN}; Path=/; HttpOnly; SameSite=Strict`);
  expect(res.headers.get("referrer-policy")).toBe("no-referrer");
});

test("without the token or its cookie, or with a wrong one, every path is refused 401 with a JSON error", async () => {
  const { send, calls } = setup();
  for (const [path, cookie] of [
    ["/", null],
    ["/?token=wrong", null],
    [`/?token=${TOKEN}x`, null],
    ["/assets/app.js", null],
    ["/api/services", `${COOKIE}=wrong`],
    ["/api/events", `other_cookie=${TOKEN}`],
    ["/v1/services", `${COOKIE}=`],
  ] as const) {
    const res = await send(path, { cookie });
    expect({ path, status: res.status, body: await res.json() }).toEqual({
      path,
      status: 401,
      body: { error_type: "unauthorized", error_description: expect.any(String) },
    });
  }
  const post = await send("/v1/services/api/restart", { method: "POST", cookie: null, origin: BASE });
  expect(post.status).toBe(401);
  expect(calls).toEqual([]);
});

test("a change needs the page's own Origin: a foreign or missing one is refused 403 and never reaches the daemon", async () => {
  const { send, calls } = setup();
  for (const origin of ["http://evil.example", "http://127.0.0.1:7475", "null", null]) {
    const res = await send("/v1/services/api/restart", { method: "POST", origin });
    expect({ origin, status: res.status, body: await res.json() }).toEqual({
      origin,
      status: 403,
      body: { error_type: "forbidden", error_description: expect.any(String) },
    });
  }
  expect(calls).toEqual([]);
  const ok = await send("/v1/services/api/restart", { method: "POST", origin: BASE });
  expect(ok.status).toBe(200);
  expect(calls).toEqual(["POST /v1/services/api/restart"]);
});

test("only start, stop, restart (one or all) and reload are proxied as changes; shutdown is not offered", async () => {
  const { send, calls } = setup();
  for (const path of ["/v1/services/api/start", "/v1/services/api/stop", "/v1/all/restart", "/v1/reload?dry_run=1"]) {
    expect((await send(path, { method: "POST", origin: BASE })).status).toBe(200);
  }
  for (const path of ["/v1/shutdown", "/v1/services/api/logs", "/v1/services/../shutdown"]) {
    const res = await send(path, { method: "POST", origin: BASE });
    expect({ path, status: res.status }).toEqual({ path, status: 404 });
  }
  expect((await send("/v1/services/api", { method: "DELETE", origin: BASE })).status).toBe(405);
  expect(calls).toEqual(["POST /v1/services/api/start", "POST /v1/services/api/stop", "POST /v1/all/restart", "POST /v1/reload?dry_run=1"]);
});

test("the daemon's errors pass through with their status and error_type; no daemon is 503 daemon_not_running", async () => {
  const { send } = setup();
  const res = await send("/v1/services/nope/restart", { method: "POST", origin: BASE });
  expect({ status: res.status, body: await res.json() }).toEqual({ status: 404, body: { error_type: "unknown_service", error_description: "no service named nope" } });
  const down = setup(async () => {
    throw new CanopyError("daemon_not_running", "no daemon is running for /x/canopy.yaml");
  });
  const gone = await down.send("/api/services");
  expect({ status: gone.status, type: ((await gone.json()) as { error_type: string }).error_type }).toEqual({ status: 503, type: "daemon_not_running" });
});

test("/api/services adds each service's WHY and liveness probe to the daemon's view", async () => {
  const { send, calls } = setup();
  const body = (await (await send("/api/services?usage=0")).json()) as { services: { name: string; status: string; why: string; alive_check: string }[] };
  expect(body.services.map((s) => [s.name, s.status, s.why, s.alive_check])).toEqual([["api", "blocked", "why api", "http http://127.0.0.1:1/livez every 5s"]]);
  expect(calls).toEqual(["GET /v1/services?usage=0"]);
});

test("/api/events is the daemon's follow stream as server-sent events, opening with a reset, skipping blank lines and a cut-off tail", async () => {
  const { send, calls } = setup();
  const res = await send("/api/events");
  expect(res.headers.get("content-type")).toBe("text/event-stream");
  expect(await res.text()).toBe(
    'retry: 1000\nevent: reset\ndata: {}\n\ndata: {"type":"started","service":"api","at":"2026-12-05T08:00:00.000Z"}\n\n',
  );
  expect(calls).toEqual(["GET /v1/events?tail=1000&follow=1"]);
});

test("every answer carries the strict CSP (no inline script), nosniff, no-referrer and no caching", async () => {
  const { send } = setup();
  expect(CONTENT_SECURITY_POLICY).toContain("default-src 'self'");
  expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
  expect(CONTENT_SECURITY_POLICY).not.toContain("unsafe-inline");
  for (const res of [await send("/"), await send("/assets/app.js"), await send("/", { cookie: null }), await send("/nope")]) {
    expect(res.headers.get("content-security-policy")).toBe(CONTENT_SECURITY_POLICY);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("cache-control")).toBe("no-store");
  }
});

test("the page and its modules are served from the embedded assets, as JavaScript the browser can run (types stripped)", async () => {
  const { send } = setup();
  const page = await send("/");
  expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
  const html = await page.text();
  // No inline script: the CSP would refuse it.
  expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
  for (const name of ["app", "format", "graph-layout", "live-status", "series", "timeline"]) {
    const res = await send(`/assets/${name}.js`);
    expect({ name, status: res.status, type: res.headers.get("content-type") }).toEqual({ name, status: 200, type: "text/javascript; charset=utf-8" });
    const js = await res.text();
    // Parses as plain JavaScript: no type annotation survived.
    expect(() => new Bun.Transpiler({ loader: "js" }).scan(js)).not.toThrow();
  }
});
