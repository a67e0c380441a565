/** The control API handler in-process, over a fake DaemonControl: routes, error bodies, the follow stream. */
import { describe, expect, test } from "bun:test";
import type { DaemonControl, LogBatch } from "../../src/api/control.ts";
import { FOLLOW_QUEUE_LINES } from "../../src/api/follow.ts";
import { createHandler } from "../../src/api/handler.ts";
import { CanopyError } from "../../src/errors.ts";
import type { EventEntry, LogEntry, ServiceView } from "../../src/api/wire.ts";
import { serviceView } from "../helpers/service-view.ts";
import { LogRun } from "../../src/daemon/log-run.ts";

function view(name: string, status: ServiceView["status"], pid: number | null): ServiceView {
  return serviceView(name, { status, pid, ready: status === "running" });
}

function entry(service: string, text: string): LogEntry {
  return { service, stream: "stdout", text, at: "2024-01-01T00:00:00.000Z" };
}

interface Fake extends DaemonControl {
  /** Actions and log reads, in order. */
  calls: string[];
  /** Status reads: `list:usage`, `get:NAME:no-usage`, … */
  reads: string[];
  subscribers: Set<{ services: string[] | undefined; onEntry: (e: LogEntry | LogBatch) => void; onEnd: () => void }>;
  emit(e: LogEntry | LogBatch): void;
  end(): void;
}

/** Two services (web running, db stopped), three log lines each; records every call. */
function fakeControl(): Fake {
  const services = new Map<string, ServiceView>([
    ["web", view("web", "running", 100)],
    ["db", view("db", "stopped", null)],
  ]);
  const logLines = new Map([...services.keys()].map((name) => [name, [1, 2, 3].map((i) => entry(name, `${name} ${i}`))]));
  const calls: string[] = [];
  const reads: string[] = [];
  const subscribers: Fake["subscribers"] = new Set();
  const eventLog: EventEntry[] = [
    { type: "started", service: "a", at: "2024-01-01T00:00:00.000Z", pid: 100 },
    { type: "ready", service: "a", at: "2024-01-01T00:00:01.000Z", pid: 100 },
  ];
  const eventSubscribers = new Set<{ onEntry: (e: EventEntry) => void; onEnd: () => void }>();
  const act = (status: ServiceView["status"], pid: number | null) => async (name: string) => {
    calls.push(`${status}:${name}`);
    const s = services.get(name);
    if (!s) return undefined;
    Object.assign(s, { status, pid });
    return { ...s };
  };
  return {
    calls,
    reads,
    subscribers,
    info: () => ({ pid: 42, version: "canopy 0.0.0 (test)", started_at: "2024-01-01T00:00:00.000Z", config_file: "/x/canopy.yaml" }),
    list: (usage = true) => {
      reads.push(`list:${usage ? "usage" : "no-usage"}`);
      return [...services.values()].map((s) => ({ ...s }));
    },
    get: (name, usage = true) => {
      reads.push(`get:${name}:${usage ? "usage" : "no-usage"}`);
      const s = services.get(name);
      return s && { ...s };
    },
    start: act("running", 200),
    stop: act("stopped", null),
    restart: act("running", 300),
    signal: async (name, signal) => {
      calls.push(`signal:${name}:${signal}`);
      const s = services.get(name);
      if (!s) return undefined;
      if (s.pid === null) throw new CanopyError("not_running", `${name} is not running`);
      return { ...s };
    },
    restartRolling: async (name) => {
      calls.push(`rolling:${name}`);
      const s = services.get(name);
      return s && { name, services: [{ ...s }], restarted: [name], failed: null };
    },
    scale: async (name, count) => {
      calls.push(`scale:${name}:${count}`);
      const s = services.get(name);
      return s && { name, services: [{ ...s }], from: 1, to: count, stopped: [], started: [] };
    },
    reloadService: async (name) => {
      calls.push(`reload:${name}`);
      const s = services.get(name);
      return s && { action: "signal", signal: "SIGHUP", service: { ...s } };
    },
    logs: (name, tail) => {
      calls.push(`logs:${name}:${tail}`);
      const lines = logLines.get(name);
      return lines && (tail === 0 ? [] : lines.slice(-tail));
    },
    subscribe: (names, onEntry, onEnd) => {
      const sub = { services: names, onEntry, onEnd };
      subscribers.add(sub);
      return () => void subscribers.delete(sub);
    },
    all: async (action) => {
      calls.push(`all:${action}`);
      return [...services.values()].map((s) => ({ ...s }));
    },
    events: (tail) => eventLog.slice(-tail),
    subscribeEvents: (onEntry, onEnd) => {
      const sub = { onEntry, onEnd };
      eventSubscribers.add(sub);
      return () => void eventSubscribers.delete(sub);
    },
    reload: async (dryRun) => {
      calls.push(`reload:${dryRun}`);
      return { applied: !dryRun, plan: { added: ["new"], removed: [], changed: [], unchanged: ["a"] }, warnings: [] };
    },
    shutdown: async () => void calls.push("shutdown"),
    droppedLines: (service, n) => {
      for (let i = 0; i < n; i++) calls.push(`dropped:${service}`);
    },
    metrics: () => {
      calls.push("metrics");
      return "# HELP canopy_daemon_start_time_seconds x\n# TYPE canopy_daemon_start_time_seconds gauge\ncanopy_daemon_start_time_seconds 1\n";
    },
    notifyTest: async () => {
      calls.push("notify-test");
      return { event: { event: "test" }, results: [{ notifier: "command", ok: true }] };
    },
    emit: (e) => {
      for (const sub of subscribers) if (!sub.services || sub.services.includes(e.service)) sub.onEntry(e);
    },
    end: () => {
      for (const sub of [...subscribers]) sub.onEnd();
    },
  };
}

async function call(control: DaemonControl, method: string, path: string, init: RequestInit = {}) {
  const res = await createHandler(control)(new Request(`http://canopy${path}`, { method, ...init }));
  return res;
}

async function callJson(control: DaemonControl, method: string, path: string) {
  const res = await call(control, method, path);
  expect(res.headers.get("content-type")).toContain("application/json");
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function expectError(control: DaemonControl, method: string, path: string, status: number, type: string) {
  const r = await callJson(control, method, path);
  expect({ path, status: r.status, error_type: r.body.error_type }).toEqual({ path, status, error_type: type });
  expect(typeof r.body.error_description).toBe("string");
  expect((r.body.error_description as string).length).toBeGreaterThan(0);
  return r.body;
}

describe("routes", () => {
  test("GET /v1/services: the daemon and every service", async () => {
    const c = fakeControl();
    const r = await callJson(c, "GET", "/v1/services");
    expect(r.status).toBe(200);
    expect(c.reads).toEqual(["list:usage"]);
    expect(r.body).toEqual({ daemon: c.info(), services: c.list() });
  });

  test("GET /v1/services?usage=0: asks for statuses without usage; a log route never asks for usage", async () => {
    const c = fakeControl();
    expect((await callJson(c, "GET", "/v1/services?usage=0")).status).toBe(200);
    expect((await callJson(c, "GET", "/v1/services/web/logs")).status).toBe(200);
    expect((await callJson(c, "GET", "/v1/logs")).status).toBe(200);
    expect(c.reads).toEqual(["list:no-usage", "get:web:no-usage", "list:no-usage"]);
  });

  test("GET /v1/services/NAME: one service", async () => {
    const c = fakeControl();
    const r = await callJson(c, "GET", "/v1/services/web");
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ name: "web", status: "running", pid: 100 });
  });

  test("POST start/stop/restart act on the named service and answer its view", async () => {
    const c = fakeControl();
    expect((await callJson(c, "POST", "/v1/services/web/stop")).body).toMatchObject({ name: "web", status: "stopped", pid: null });
    expect((await callJson(c, "POST", "/v1/services/db/start")).body).toMatchObject({ name: "db", status: "running", pid: 200 });
    expect((await callJson(c, "POST", "/v1/services/db/restart")).body).toMatchObject({ name: "db", pid: 300 });
    expect(c.calls).toEqual(["stopped:web", "running:db", "running:db"]);
  });

  test("POST signal sends the named signal (any spelling parseSignal takes) and answers the view; POST reload reloads one service", async () => {
    const c = fakeControl();
    const r = await callJson(c, "POST", "/v1/services/web/signal?signal=usr1");
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ name: "web", pid: 100 });
    const reloaded = await callJson(c, "POST", "/v1/services/web/reload");
    expect(reloaded).toMatchObject({ status: 200, body: { action: "signal", signal: "SIGHUP", service: { name: "web" } } });
    expect(c.calls).toEqual(["signal:web:SIGUSR1", "reload:web"]);
  });

  test("POST scale?replicas=N scales; a count that is not 1…256 is 400 bad_request without calling the control; GET is 405", async () => {
    const c = fakeControl();
    expect(await callJson(c, "POST", "/v1/services/web/scale?replicas=3")).toMatchObject({ status: 200, body: { name: "web", from: 1, to: 3 } });
    for (const bad of ["", "?replicas=0", "?replicas=257", "?replicas=2.5", "?replicas=-1", "?replicas=x"]) {
      const body = await expectError(c, "POST", `/v1/services/web/scale${bad}`, 400, "bad_request");
      expect(body.field).toBe("replicas");
    }
    await expectError(c, "GET", "/v1/services/web/scale?replicas=2", 405, "method_not_allowed");
    await expectError(c, "POST", "/v1/services/nope/scale?replicas=2", 404, "unknown_service");
    expect(c.calls).toEqual(["scale:web:3", "scale:nope:2"]);
  });

  test("POST restart?rolling=1 is a rolling restart; without it, a plain restart", async () => {
    const c = fakeControl();
    expect(await callJson(c, "POST", "/v1/services/web/restart?rolling=1")).toMatchObject({ status: 200, body: { name: "web", restarted: ["web"], failed: null } });
    expect((await callJson(c, "POST", "/v1/services/web/restart?rolling=0")).status).toBe(200);
    expect(c.calls).toEqual(["rolling:web", "running:web"]);
  });

  test("a replica's name (web.2) reaches the control; a dotted name that is no replica's is 404 without reaching it", async () => {
    const c = fakeControl();
    await expectError(c, "GET", "/v1/services/web.2", 404, "unknown_service");
    await expectError(c, "GET", "/v1/services/web.x", 404, "unknown_service");
    await expectError(c, "POST", "/v1/services/web.0/stop", 404, "unknown_service");
    expect(c.reads).toEqual(["get:web.2:usage"]);
    expect(c.calls).toEqual([]);
  });

  test("signal: unknown service 404, missing or bad signal 400 without calling the control, not running 409 not_running", async () => {
    const c = fakeControl();
    await expectError(c, "POST", "/v1/services/nope/signal?signal=SIGHUP", 404, "unknown_service");
    await expectError(c, "POST", "/v1/services/web/signal", 400, "bad_request");
    await expectError(c, "POST", "/v1/services/web/signal?signal=SIGNOPE", 400, "bad_request");
    await expectError(c, "POST", "/v1/services/web/signal?signal=", 400, "bad_request");
    await expectError(c, "POST", "/v1/services/db/signal?signal=HUP", 409, "not_running");
    await expectError(c, "GET", "/v1/services/web/signal?signal=HUP", 405, "method_not_allowed");
    await expectError(c, "POST", "/v1/services/nope/reload", 404, "unknown_service");
    expect(c.calls).toEqual(["signal:nope:SIGHUP", "signal:db:SIGHUP", "reload:nope"]);
  });

  test("GET logs: one service's tail, or every service's, or a chosen few", async () => {
    const c = fakeControl();
    const one = await callJson(c, "GET", "/v1/services/web/logs?tail=2");
    expect(one.status).toBe(200);
    expect(one.body).toEqual({ lines: [entry("web", "web 2"), entry("web", "web 3")] });
    const all = await callJson(c, "GET", "/v1/logs?tail=1");
    expect(all.body).toEqual({ lines: [entry("web", "web 3"), entry("db", "db 3")] });
    const chosen = await callJson(c, "GET", "/v1/logs?tail=1&services=db");
    expect(chosen.body).toEqual({ lines: [entry("db", "db 3")] });
    const fallback = await callJson(c, "GET", "/v1/services/db/logs");
    expect((fallback.body.lines as unknown[]).length).toBe(3);
    expect(c.calls).toContain("logs:db:100");
  });

  test("POST /v1/shutdown shuts the daemon down", async () => {
    const c = fakeControl();
    const r = await callJson(c, "POST", "/v1/shutdown");
    expect(r).toEqual({ status: 200, body: { ok: true } });
    expect(c.calls).toEqual(["shutdown"]);
  });
});

describe("metrics and notify routes", () => {
  test("GET /metrics answers the control's Prometheus text with the format's content type; other methods are 405", async () => {
    const c = fakeControl();
    const res = await call(c, "GET", "/metrics");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(await res.text()).toContain("canopy_daemon_start_time_seconds 1\n");
    expect((await callJson(c, "POST", "/metrics")).body.error_type).toBe("method_not_allowed");
    expect(c.calls).toEqual(["metrics"]);
  });

  test("POST /v1/notify/test answers the attempts; GET is 405", async () => {
    const c = fakeControl();
    expect(await callJson(c, "POST", "/v1/notify/test")).toEqual({
      status: 200,
      body: { event: { event: "test" }, results: [{ notifier: "command", ok: true }] },
    });
    expect((await callJson(c, "GET", "/v1/notify/test")).status).toBe(405);
    expect((await callJson(c, "POST", "/v1/notify/other")).status).toBe(404);
    expect(c.calls).toEqual(["notify-test"]);
  });
});

describe("errors", () => {
  test("an unknown service is 404 unknown_service, naming it, and nothing is done", async () => {
    const c = fakeControl();
    const body = await expectError(c, "GET", "/v1/services/nope", 404, "unknown_service");
    expect(body.error_description).toContain('"nope"');
    expect(body.service).toBe("nope");
    await expectError(c, "POST", "/v1/services/nope/start", 404, "unknown_service");
    await expectError(c, "POST", "/v1/services/nope/stop", 404, "unknown_service");
    await expectError(c, "POST", "/v1/services/nope/restart", 404, "unknown_service");
    await expectError(c, "GET", "/v1/services/nope/logs", 404, "unknown_service");
    await expectError(c, "GET", "/v1/logs?services=web,nope", 404, "unknown_service");
    expect(c.calls.filter((x) => !x.endsWith(":nope"))).toEqual([]);
  });

  test("a malformed tail is 400 bad_request", async () => {
    const c = fakeControl();
    for (const tail of ["abc", "-1", "1.5", "100001", "1e3x", "0x10"]) {
      await expectError(c, "GET", `/v1/services/web/logs?tail=${tail}`, 400, "bad_request");
      await expectError(c, "GET", `/v1/logs?tail=${tail}`, 400, "bad_request");
    }
    expect(c.calls).toEqual([]);
  });

  test("unknown routes are 404 not_found", async () => {
    const c = fakeControl();
    for (const path of ["/", "/v1", "/v2/services", "/v1/other", "/v1/services/web/frobnicate", "/v1/services/web/logs/extra", "/v1/shutdown/now"]) {
      await expectError(c, "GET", path, 404, "not_found");
    }
  });

  test("a known route with the wrong method is 405 method_not_allowed", async () => {
    const c = fakeControl();
    await expectError(c, "POST", "/v1/services", 405, "method_not_allowed");
    await expectError(c, "DELETE", "/v1/services/web", 405, "method_not_allowed");
    await expectError(c, "GET", "/v1/services/web/stop", 405, "method_not_allowed");
    await expectError(c, "PUT", "/v1/services/web/start", 405, "method_not_allowed");
    await expectError(c, "POST", "/v1/services/web/logs", 405, "method_not_allowed");
    await expectError(c, "POST", "/v1/logs", 405, "method_not_allowed");
    await expectError(c, "GET", "/v1/shutdown", 405, "method_not_allowed");
    expect(c.calls).toEqual([]);
  });

  test("path tricks in names (..%2F, dots, invalid percent-encoding) are 4xx with an error_type, never reach the control", async () => {
    const c = fakeControl();
    const paths = [
      "/v1/services/..%2F..%2Fetc%2Fpasswd",
      "/v1/services/..%2Fweb/logs",
      "/v1/services/%2e%2e",
      "/v1/services/.x/logs",
      "/v1/services/web%2Fx/stop",
      "/v1/services/%E0%A4%A",
      "/v1/services/%ZZ/logs",
      "/v1/services/%/start",
      "/v1/services/WEB",
      "/v1/logs?services=..%2Fweb",
      "/v1/logs?services=web,%2e%2e",
    ];
    for (const path of paths) {
      const method = path.endsWith("/start") ? "POST" : "GET";
      const r = await callJson(c, method, path);
      expect({ path, clientError: r.status >= 400 && r.status < 500 }).toEqual({ path, clientError: true });
      expect(typeof r.body.error_type).toBe("string");
      expect(typeof r.body.error_description).toBe("string");
    }
    await expectError(c, "GET", "/v1/services/%E0%A4%A", 400, "bad_request");
    await expectError(c, "GET", "/v1/services/%ZZ", 400, "bad_request");
    expect(c.calls).toEqual([]);
  });

  test("an unexpected failure in the control is 500 internal with an error body", async () => {
    const c = fakeControl();
    c.stop = async () => {
      throw new Error("boom");
    };
    const body = await expectError(c, "POST", "/v1/services/web/stop", 500, "internal");
    expect(body.error_description).toContain("boom");
  });

  test("a body is refused unread on any route: over 64 KiB declared is 413 payload_too_large, else 400 bad_request", async () => {
    const c = fakeControl();
    const refusal = async (path: string, headers: Record<string, string>, body?: string) => {
      const res = await call(c, "POST", path, { headers, body });
      const json = (await res.json()) as Record<string, unknown>;
      return { path, status: res.status, error_type: json.error_type, described: typeof json.error_description === "string" };
    };
    const huge = { "content-length": String(4 * 1024 * 1024) };
    for (const path of ["/v1/services/web/restart", "/v1/shutdown", "/v1/services", "/v1/no-such-route", "/"]) {
      expect(await refusal(path, huge)).toEqual({ path, status: 413, error_type: "payload_too_large", described: true });
    }
    const path = "/v1/services/web/stop";
    expect(await refusal(path, { "content-length": String(64 * 1024 + 1) })).toMatchObject({ status: 413, error_type: "payload_too_large" });
    expect(await refusal(path, { "content-length": String(64 * 1024) })).toMatchObject({ status: 400, error_type: "bad_request" });
    expect(await refusal(path, { "content-type": "application/json", "content-length": "14" }, '{"force":true}')).toMatchObject({ status: 400, error_type: "bad_request" });
    expect(await refusal(path, { "transfer-encoding": "chunked" })).toMatchObject({ status: 400, error_type: "bad_request" });
    expect(c.calls).toEqual([]);
  });
});

const readerOf = (stream: ReadableStream<Uint8Array>) => stream.getReader();

/** Reads NDJSON lines from a stream, a few at a time, skipping empty lines (as NDJSON readers do). */
class NdjsonReader {
  private readonly reader: ReturnType<typeof readerOf>;
  private readonly decoder = new TextDecoder();
  private buffered = "";
  private readonly lines: string[] = [];
  done = false;

  constructor(stream: ReadableStream<Uint8Array>) {
    this.reader = readerOf(stream);
  }

  /** The next `n` parsed lines; fewer only when the stream ends. */
  async take(n: number): Promise<unknown[]> {
    while (this.lines.length < n && !this.done) {
      const { value, done } = await this.reader.read();
      if (done) {
        this.done = true;
        break;
      }
      this.buffered += this.decoder.decode(value, { stream: true });
      const parts = this.buffered.split("\n");
      this.buffered = parts.pop() ?? "";
      this.lines.push(...parts.filter((line) => line !== ""));
    }
    return this.lines.splice(0, n).map((l) => JSON.parse(l));
  }

  cancel(): Promise<void> {
    return this.reader.cancel();
  }
}

async function follow(c: DaemonControl, query: string, init: RequestInit = {}): Promise<{ res: Response; reader: NdjsonReader }> {
  const res = await call(c, "GET", `/v1/logs?follow=1&${query}`, init);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("application/x-ndjson");
  return { res, reader: new NdjsonReader(res.body as ReadableStream<Uint8Array>) };
}

describe("follow", () => {
  test("the backlog first, then new lines of the chosen services, until the daemon stops", async () => {
    const c = fakeControl();
    const { reader } = await follow(c, "tail=1&services=web");
    expect(await reader.take(1)).toEqual([entry("web", "web 3")]);
    c.emit(entry("db", "not for us"));
    c.emit(entry("web", "fresh"));
    expect(await reader.take(1)).toEqual([entry("web", "fresh")]);
    c.end();
    expect(await reader.take(1)).toEqual([]);
    expect(reader.done).toBe(true);
    expect(c.subscribers.size).toBe(0);
  });

  test("a reader that keeps up never sees a dropped notice", async () => {
    const c = fakeControl();
    const { reader } = await follow(c, "tail=0");
    for (let i = 0; i < 3 * FOLLOW_QUEUE_LINES; i++) {
      c.emit(entry("web", `line ${i}`));
      if (i % 500 === 499) expect((await reader.take(500)).some((x) => "dropped" in (x as object))).toBe(false);
    }
    await reader.cancel();
    expect(c.subscribers.size).toBe(0);
  });

  test("a reader that does not read gets {dropped: N} before the next line once its queue is full", async () => {
    const c = fakeControl();
    const { reader } = await follow(c, "tail=0");
    const extra = 7;
    for (let i = 0; i < FOLLOW_QUEUE_LINES + extra; i++) c.emit(entry("web", `line ${i}`));

    // The queue held the first FOLLOW_QUEUE_LINES lines, in order, and no more.
    const queued = (await reader.take(FOLLOW_QUEUE_LINES)) as LogEntry[];
    expect(queued.length).toBe(FOLLOW_QUEUE_LINES);
    expect(queued[0]).toEqual(entry("web", "line 0"));
    expect(queued[FOLLOW_QUEUE_LINES - 1]).toEqual(entry("web", `line ${FOLLOW_QUEUE_LINES - 1}`));

    // The next line arrives after a notice of what was missed.
    c.emit(entry("web", "after the gap"));
    expect(await reader.take(2)).toEqual([{ dropped: extra }, entry("web", "after the gap")]);
    // Each dropped line was counted against its service, for canopy_service_log_dropped_lines_total.
    expect(c.calls.filter((call) => call === "dropped:web")).toHaveLength(extra);
    c.emit(entry("web", "and on"));
    expect(await reader.take(1)).toEqual([entry("web", "and on")]);
    await reader.cancel();
    expect(c.subscribers.size).toBe(0);
  });

  test("runs of output lines: one chunk each for a reader with room, cut at the queue's limit and counted past it", async () => {
    const c = fakeControl();
    const { reader } = await follow(c, "tail=0");
    const at = "2024-01-01T00:00:00.000Z";
    const run = (from: number, n: number) =>
      new LogRun("web", "stdout", new TextEncoder().encode(Array.from({ length: n }, (_, i) => `line ${from + i}\n`).join("")), n, at);
    const line = (i: number): LogEntry => ({ service: "web", stream: "stdout", text: `line ${i}`, at });
    // Three runs of 900 lines into a queue of FOLLOW_QUEUE_LINES (2,000): the third is cut after its 200th line.
    for (let r = 0; r < 3; r++) c.emit(run(r * 900, 900));
    c.emit(run(2700, 5)); // no room at all: counted without being cut into lines
    const queued = (await reader.take(FOLLOW_QUEUE_LINES)) as LogEntry[];
    expect(queued).toEqual(Array.from({ length: FOLLOW_QUEUE_LINES }, (_, i) => line(i)));
    const missed = 3 * 900 + 5 - FOLLOW_QUEUE_LINES;
    expect(c.calls.filter((call) => call === "dropped:web")).toHaveLength(missed);
    // A line with what JSON must escape, and invalid UTF-8, survive the batch's encoding.
    c.emit(new LogRun("web", "stderr", new Uint8Array([...new TextEncoder().encode('say "hi"\té\n'), 0xff, 0x0a]), 2, at));
    expect(await reader.take(3)).toEqual([
      { dropped: missed },
      { service: "web", stream: "stderr", text: 'say "hi"\té', at },
      { service: "web", stream: "stderr", text: "\uFFFD", at },
    ]);
    await reader.cancel();
    expect(c.subscribers.size).toBe(0);
  });

  test("the request's abort ends the stream and unsubscribes", async () => {
    const c = fakeControl();
    const abort = new AbortController();
    const { reader } = await follow(c, "tail=0", { signal: abort.signal });
    expect(c.subscribers.size).toBe(1);
    abort.abort();
    expect(await reader.take(1)).toEqual([]);
    expect(c.subscribers.size).toBe(0);
  });
});
