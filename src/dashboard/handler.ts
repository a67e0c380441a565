/**
 * The dashboard server as a `(Request) → Response` function over an upstream (the daemon's
 * control socket): the page and its assets, `/api/*` views made for the page, and `/v1`
 * proxied to the daemon — behind the token, its cookie and, for changes, a same-origin check.
 */
import { errorResponse } from "../api/handler.ts";
import { tokenMatches } from "../api/token-compare.ts";
import type { ServiceView, StatusDocument } from "../api/wire.ts";
import { CanopyError } from "../errors.ts";
import type { Asset } from "./assets.ts";
import type { GraphDocument } from "./graph.ts";
import { isMutating, isSameOrigin, readCookie, sessionCookie } from "./guard.ts";
import { secure } from "./headers.ts";
import { ndjsonToSse } from "./sse.ts";

/** Sends one request to the daemon's control API; throws CanopyError `daemon_not_running` when none answers. */
export type Upstream = (method: "GET" | "POST", pathAndQuery: string, signal?: AbortSignal) => Promise<Response>;

export interface DashboardOptions {
  /** tokenDigest() of the token the URL carried. */
  expectedToken: Buffer;
  cookieName: string;
  upstream: Upstream;
  /** Path (`/`, `/assets/app.js`, …) → embedded file. */
  assets: ReadonlyMap<string, Asset>;
  /** The WHY text of a service (describe.ts), added to each service the page gets. */
  why: (service: ServiceView) => string | undefined;
  /** The service's liveness probe in words, or null: the API carries no liveness state, the config says what is checked. */
  aliveCheck: (name: string) => string | null;
  /** The dependency graph of the config the daemon runs. */
  graph: () => GraphDocument;
}

/** One service as the page gets it: the API's view, its WHY and its liveness probe. */
export type DashboardService = ServiceView & { why: string | null; alive_check: string | null };

/** POST routes the page may use; everything else that changes something (shutdown) is not offered. */
const ACTIONS = /^\/v1\/(?:services\/[a-z0-9][a-z0-9_-]{0,62}\/(?:start|stop|restart)|all\/(?:start|stop|restart)|reload)$/;
/** Per service; the page keeps the last 2,000 lines in all. */
const LOG_TAIL = 200;
const EVENT_TAIL = 1000;

export function createDashboardHandler(options: DashboardOptions): (req: Request) => Promise<Response> {
  return async (req) => {
    try {
      return secure(await route(options, req));
    } catch (err) {
      return secure(errorResponse(err));
    }
  };
}

async function route(o: DashboardOptions, req: Request): Promise<Response> {
  const url = new URL(req.url);
  if (req.method !== "GET" && req.method !== "POST") throw new CanopyError("method_not_allowed", `${req.method} is not used by the dashboard`);
  const offered = url.searchParams.get("token");
  if (url.pathname === "/" && offered !== null) return firstVisit(o, offered, req.method);
  if (!tokenMatches(readCookie(req.headers.get("cookie"), o.cookieName), o.expectedToken)) {
    throw new CanopyError("unauthorized", "open the URL `canopy dashboard` printed: it carries the token (?token=…)");
  }
  if (isMutating(req.method) && !isSameOrigin(req.headers.get("origin"), req.headers.get("host"))) {
    throw new CanopyError("forbidden", "a change must come from the dashboard's own page (missing or foreign Origin)");
  }

  const asset = o.assets.get(url.pathname);
  if (asset) {
    allow(req, "GET");
    return new Response(asset.body, { headers: { "content-type": asset.type } });
  }
  if (url.pathname === "/api/services") {
    allow(req, "GET");
    const usage = url.searchParams.get("usage") === "0" ? "?usage=0" : "";
    const res = await o.upstream("GET", `/v1/services${usage}`, req.signal);
    if (!res.ok) return res;
    const doc = (await res.json()) as StatusDocument;
    const services: DashboardService[] = doc.services.map((s) => ({ ...s, why: o.why(s) ?? null, alive_check: o.aliveCheck(s.name) }));
    return Response.json({ daemon: doc.daemon, services });
  }
  if (url.pathname === "/api/graph") {
    allow(req, "GET");
    return Response.json(o.graph());
  }
  if (url.pathname === "/api/events") {
    allow(req, "GET");
    return sse(await o.upstream("GET", `/v1/events?tail=${EVENT_TAIL}&follow=1`, req.signal));
  }
  if (url.pathname === "/api/logs") {
    allow(req, "GET");
    return sse(await o.upstream("GET", `/v1/logs?tail=${LOG_TAIL}&follow=1`, req.signal));
  }
  if (url.pathname.startsWith("/v1/")) {
    if (req.method === "POST" && !ACTIONS.test(url.pathname)) {
      throw new CanopyError("not_found", `the dashboard does not offer POST ${url.pathname}`);
    }
    return proxied(await o.upstream(req.method as "GET" | "POST", `${url.pathname}${url.search}`, req.signal));
  }
  throw new CanopyError("not_found", `no such page: ${url.pathname}`);
}

/** The token from the printed URL becomes the session cookie, and leaves the address bar. */
function firstVisit(o: DashboardOptions, offered: string, method: string): Response {
  if (method !== "GET") throw new CanopyError("method_not_allowed", "open the dashboard's URL with GET");
  if (!tokenMatches(offered, o.expectedToken)) throw new CanopyError("unauthorized", "wrong token: open the URL `canopy dashboard` printed last");
  return new Response(null, { status: 303, headers: { location: "/", "set-cookie": sessionCookie(o.cookieName, offered) } });
}

function allow(req: Request, method: "GET"): void {
  if (req.method !== method) throw new CanopyError("method_not_allowed", `use ${method} for ${new URL(req.url).pathname}`);
}

function sse(upstream: Response): Response {
  if (!upstream.ok || upstream.body === null) return proxied(upstream);
  return new Response(ndjsonToSse(upstream.body), { headers: { "content-type": "text/event-stream", "x-accel-buffering": "no" } });
}

/** The daemon's answer with only the headers that describe its body (its own, not the socket's). */
function proxied(upstream: Response): Response {
  const type = upstream.headers.get("content-type") ?? "application/json";
  return new Response(upstream.body, { status: upstream.status, headers: { "content-type": type } });
}
