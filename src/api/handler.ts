/** The control API as a `(Request) → Response` function over a DaemonControl: no socket needed to test it. */
import { SERVICE_NAME_RE } from "../config/names.ts";
import { MAX_REPLICAS, serviceOf } from "../config/replicas.ts";
import { parseSignal } from "../config/signal.ts";
import { CanopyError, isCanopyError } from "../errors.ts";
import type { DaemonControl, LogBatch } from "./control.ts";
import { PROMETHEUS_CONTENT_TYPE } from "../metrics/prometheus.ts";
import { followStream } from "./follow.ts";
import { refuseRequestBody } from "./request-body.ts";
import type { LogEntry, StatusDocument } from "./wire.ts";

const MAX_TAIL = 100_000;
const DEFAULT_TAIL = 100;

type Action = "start" | "stop" | "restart";

/** Builds the request handler for one daemon. */
export function createHandler(control: DaemonControl): (req: Request) => Promise<Response> {
  return async (req) => {
    try {
      return await route(control, req);
    } catch (err) {
      return errorResponse(err);
    }
  };
}

async function route(control: DaemonControl, req: Request): Promise<Response> {
  const url = new URL(req.url);
  // A body is never read, so never accepted (a POST with a stray JSON body must not act as
  // if the body were understood); checked first, so a huge one is refused on any route.
  refuseRequestBody(req);
  const parts = url.pathname.split("/").filter((p) => p !== "");
  // Where Prometheus looks by default, outside /v1: the exposition format has its own versioning.
  if (url.pathname === "/metrics") {
    allow(req, "GET");
    return new Response(control.metrics(), { headers: { "content-type": PROMETHEUS_CONTENT_TYPE } });
  }
  if (parts[0] !== "v1") throw new CanopyError("not_found", `no such route: ${url.pathname}`);
  const [, resource, rawName, action, ...rest] = parts;

  if (resource === "services" && rawName === undefined) {
    allow(req, "GET");
    const doc: StatusDocument = { daemon: control.info(), services: control.list(url.searchParams.get("usage") !== "0") };
    return json(doc);
  }
  if (resource === "services" && rawName !== undefined && rest.length === 0) {
    const name = serviceName(rawName);
    if (action === undefined) {
      allow(req, "GET");
      return json(found(name, control.get(name)));
    }
    if (action === "logs") {
      allow(req, "GET");
      if (!control.get(name, false)) throw unknownService(name);
      return logsResponse(control, [name], url, req.signal);
    }
    if (action === "restart" && flag(url.searchParams.get("rolling"))) {
      allow(req, "POST");
      return json(found(name, await control.restartRolling(name)));
    }
    if (action === "start" || action === "stop" || action === "restart") {
      allow(req, "POST");
      return json(found(name, await control[action satisfies Action](name)));
    }
    if (action === "scale") {
      allow(req, "POST");
      return json(found(name, await control.scale(name, replicasParam(url.searchParams.get("replicas")))));
    }
    if (action === "signal") {
      allow(req, "POST");
      return json(found(name, await control.signal(name, signalParam(url.searchParams.get("signal")))));
    }
    if (action === "reload") {
      allow(req, "POST");
      return json(found(name, await control.reloadService(name)));
    }
  }
  if (resource === "logs" && rawName === undefined) {
    allow(req, "GET");
    const names = url.searchParams.get("services");
    const services = names ? names.split(",").map(serviceName) : undefined;
    for (const name of services ?? []) if (!control.get(name, false)) throw unknownService(name);
    return logsResponse(control, services, url, req.signal);
  }
  if (resource === "all" && rawName !== undefined && action === undefined) {
    allow(req, "POST");
    if (rawName !== "start" && rawName !== "stop" && rawName !== "restart") {
      throw new CanopyError("not_found", `no such route: ${req.method} ${url.pathname}`);
    }
    return json({ services: await control.all(rawName) });
  }
  if (resource === "events" && rawName === undefined) {
    allow(req, "GET");
    const backlog = control.events(tailParam(url.searchParams.get("tail")));
    if (!flag(url.searchParams.get("follow"))) return json({ events: backlog });
    return ndjson(followStream((push, end) => control.subscribeEvents(push, end), backlog, req.signal));
  }
  if (resource === "reload" && rawName === undefined) {
    allow(req, "POST");
    return json(await control.reload(flag(url.searchParams.get("dry_run"))));
  }
  if (resource === "notify" && rawName === "test" && action === undefined) {
    allow(req, "POST");
    return json(await control.notifyTest());
  }
  if (resource === "shutdown" && rawName === undefined) {
    allow(req, "POST");
    await control.shutdown();
    return json({ ok: true });
  }
  throw new CanopyError("not_found", `no such route: ${req.method} ${url.pathname}`);
}

function logsResponse(
  control: DaemonControl,
  services: string[] | undefined,
  url: URL,
  signal: AbortSignal,
): Response {
  const tail = tailParam(url.searchParams.get("tail"));
  const names = services ?? control.list(false).map((s) => s.name);
  const backlog: LogEntry[] = names.flatMap((name) => control.logs(name, tail) ?? []);
  if (!flag(url.searchParams.get("follow"))) return json({ lines: backlog });
  const onDrop = (item: { service: string }, n: number) => control.droppedLines(item.service, n);
  return ndjson(followStream<LogEntry, LogBatch>((push, end) => control.subscribe(services, push, end), backlog, signal, onDrop));
}

function ndjson(stream: ReadableStream<Uint8Array>): Response {
  return new Response(stream, { headers: { "content-type": "application/x-ndjson", "cache-control": "no-store" } });
}

function serviceName(raw: string): string {
  let name: string;
  try {
    name = decodeURIComponent(raw);
  } catch {
    throw new CanopyError("bad_request", "service name is not valid URL encoding");
  }
  const service = serviceOf(name);
  if (!SERVICE_NAME_RE.test(service)) throw unknownService(name);
  return name;
}

/** `?replicas=N` of a scale: a whole number from 1 to MAX_REPLICAS. */
function replicasParam(raw: string | null): number {
  const n = raw !== null && /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_REPLICAS) {
    throw new CanopyError("bad_request", `replicas must be a whole number from 1 to ${MAX_REPLICAS}, got ${raw === null ? "nothing" : `"${raw}"`}`, {
      field: "replicas",
    });
  }
  return n;
}

function found<T>(name: string, value: T | undefined): T {
  if (value === undefined) throw unknownService(name);
  return value;
}

function unknownService(name: string): CanopyError {
  return new CanopyError("unknown_service", `no service named "${name}" in this config`, { service: name });
}

function allow(req: Request, method: "GET" | "POST"): void {
  if (req.method !== method) throw new CanopyError("method_not_allowed", `use ${method} for ${new URL(req.url).pathname}`);
}

function tailParam(raw: string | null): number {
  if (raw === null || raw === "") return DEFAULT_TAIL;
  const n = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(n) || n < 0 || n > MAX_TAIL) {
    throw new CanopyError("bad_request", `tail must be a whole number from 0 to ${MAX_TAIL}, got "${raw}"`);
  }
  return n;
}

function signalParam(raw: string | null): NodeJS.Signals {
  const signal = raw === null ? undefined : parseSignal(raw);
  if (signal === undefined) {
    throw new CanopyError("bad_request", raw === null ? "name the signal: ?signal=SIGUSR1" : `unknown signal "${raw}": use a name such as SIGHUP, SIGUSR1 or TERM`);
  }
  return signal;
}

function flag(raw: string | null): boolean {
  return raw === "1" || raw === "true";
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

/** Every failure becomes `{error_type, error_description}` with the status from the one table. */
export function errorResponse(err: unknown): Response {
  const e = isCanopyError(err) ? err : new CanopyError("internal", (err as Error)?.message ?? String(err));
  return json(e.toJSON(), e.httpStatus);
}
