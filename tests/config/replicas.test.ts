/** replicas.ts: replica names, what each copy runs with (env, port, probes), and ports that run into another service's. */
import { describe, expect, test } from "bun:test";
import { validateConfig } from "../../src/config/index.ts";
import {
  belongsTo, expandService, instanceNames, moveProbe, parseReplicaName, replicaPortClashes, replicaPorts, scaleProblem, serviceOf,
} from "../../src/config/replicas.ts";
import type { ProbeConfig } from "../../src/config/types.ts";
import { serviceConfig } from "../helpers/service-config.ts";

const tcp = (port: number): ProbeConfig => ({ check: { kind: "tcp", port }, intervalMs: 250, timeoutMs: 1000, initialDelayMs: 0, failureThreshold: 3 });

describe("names", () => {
  test("one copy keeps the plain name; more are NAME.1 … NAME.N", () => {
    expect(instanceNames("web", 1)).toEqual(["web"]);
    expect(instanceNames("web", 3)).toEqual(["web.1", "web.2", "web.3"]);
  });

  test("NAME.i parses back; a plain name, .0 and .x are not a replica's", () => {
    expect(parseReplicaName("web.12")).toEqual({ service: "web", index: 12 });
    expect(parseReplicaName("web")).toBeUndefined();
    expect(parseReplicaName("web.0")).toBeUndefined();
    expect(parseReplicaName("web.x")).toBeUndefined();
    expect(serviceOf("web.2")).toBe("web");
    expect(serviceOf("web-2")).toBe("web-2");
    expect(belongsTo("web.2", "web")).toBe(true);
    expect(belongsTo("web.2", "web.2")).toBe(true);
    expect(belongsTo("web-api", "web")).toBe(false);
  });
});

describe("expandService", () => {
  test("three copies with port P: PORT=P+i-1, CANOPY_REPLICA=i, each its own readiness gate on its own port", () => {
    const svc = serviceConfig("web", { port: 8000, env: { PORT: "8000", LOG: "1" }, ready: tcp(8000), replicas: 3 });
    const copies = expandService(svc);
    expect(copies.map((c) => [c.name, c.port, c.env, c.ready?.check, c.replica, "replicas" in c])).toEqual([
      ["web.1", 8000, { PORT: "8000", LOG: "1", CANOPY_REPLICA: "1" }, { kind: "tcp", port: 8000 }, { of: "web", index: 1 }, false],
      ["web.2", 8001, { PORT: "8001", LOG: "1", CANOPY_REPLICA: "2" }, { kind: "tcp", port: 8001 }, { of: "web", index: 2 }, false],
      ["web.3", 8002, { PORT: "8002", LOG: "1", CANOPY_REPLICA: "3" }, { kind: "tcp", port: 8002 }, { of: "web", index: 3 }, false],
    ]);
  });

  test("one copy is the service itself (no CANOPY_REPLICA, no replica), whatever replicas says", () => {
    const svc = serviceConfig("web", { port: 8000, env: { PORT: "8000" }, replicas: 4 });
    const [only, ...rest] = expandService(svc, 1);
    expect(rest).toEqual([]);
    const { replicas: _r, ...plain } = svc;
    expect(only).toEqual(plain);
  });

  test("without port, copies differ only in name and CANOPY_REPLICA", () => {
    const copies = expandService(serviceConfig("worker", { replicas: 2 }));
    expect(copies.map((c) => [c.name, c.port, c.env])).toEqual([
      ["worker.1", undefined, { CANOPY_REPLICA: "1" }],
      ["worker.2", undefined, { CANOPY_REPLICA: "2" }],
    ]);
  });

  test("a probe of the service's port moves with it (tcp, or an http URL on it); one of another port stays", () => {
    const http: ProbeConfig = { ...tcp(0), check: { kind: "http", url: "http://127.0.0.1:8000/healthz" } };
    expect(moveProbe(http, 8000, 8002).check).toEqual({ kind: "http", url: "http://127.0.0.1:8002/healthz" });
    expect(moveProbe(tcp(9000), 8000, 8002)).toEqual(tcp(9000));
    expect(moveProbe(tcp(8000), 8000, 8001)).toEqual(tcp(8001));
    const copies = expandService(serviceConfig("web", { port: 8000, alive: http, replicas: 2 }));
    expect(copies.map((c) => c.alive?.check)).toEqual([
      { kind: "http", url: "http://127.0.0.1:8000/healthz" },
      { kind: "http", url: "http://127.0.0.1:8001/healthz" },
    ]);
  });
});

describe("ports", () => {
  test("replicaPorts is P … P+N-1, none without a port", () => {
    expect(replicaPorts(8000, 3)).toEqual([8000, 8001, 8002]);
    expect(replicaPorts(undefined, 3)).toEqual([]);
  });

  test("a replica port that another service uses, directly or through its own replicas, is a clash naming it", () => {
    const clashes = replicaPortClashes([
      serviceConfig("web", { port: 8000, replicas: 3 }),
      serviceConfig("api", { port: 8002 }),
      serviceConfig("admin", { port: 7999, replicas: 2 }),
    ]);
    expect(clashes).toEqual([
      { service: "web", message: 'replica 3 would listen on port 8002, which "api" uses; move port or lower replicas' },
      { service: "admin", message: 'replica 2 would listen on port 8000, which "web" uses; move port or lower replicas' },
    ]);
    expect(replicaPortClashes([serviceConfig("web", { port: 8000, replicas: 3 }), serviceConfig("api", { port: 8003 })])).toEqual([]);
  });
});

describe("the replicas key", () => {
  const check = (web: Record<string, unknown>, more: Record<string, unknown> = {}) =>
    validateConfig({ services: { web: { cmd: "sleep 60", ...web }, ...more } }, { file: "/srv/canopy.yaml", dir: "/srv" });

  test("a whole number from 1 is kept (absent when 1)", () => {
    const three = check({ replicas: 3 });
    expect(three.problems).toEqual([]);
    expect(three.config?.services[0]?.replicas).toBe(3);
    expect("replicas" in (check({ replicas: 1 }).config?.services[0] ?? {})).toBe(false);
  });

  test.each([
    [0, "must be from 1 to 256, got 0"],
    [-1, "must be from 1 to 256, got -1"],
    [2.5, "expected a whole number from 1 to 256, got 2.5"],
    ["3", 'expected a whole number from 1 to 256, got "3"'],
    [257, "must be from 1 to 256, got 257"],
  ])("replicas: %p is refused naming the service and the field", (value, message) => {
    expect(check({ replicas: value }).problems).toEqual([expect.objectContaining({ service: "web", field: "replicas", message })]);
  });

  test("with schedule, past port 65535, or into another service's port: refused on replicas", () => {
    expect(check({ replicas: 2, schedule: "@daily" }).problems.map((p) => [p.service, p.field])).toEqual([["web", "replicas"]]);
    expect(check({ replicas: 3, port: 65_534 }).problems.map((p) => p.message)).toEqual(["replica 3 would get port 65536, past 65535; lower port or replicas"]);
    expect(check({ replicas: 2, port: 8000 }, { api: { cmd: "sleep 60", port: 8001 } }).problems.map((p) => [p.service, p.field])).toEqual([["web", "replicas"]]);
  });
});

describe("scaleProblem", () => {
  const services = [
    serviceConfig("web", { port: 8000, replicas: 2 }),
    serviceConfig("api", { port: 8004 }),
    serviceConfig("admin", { port: 9000 }),
    serviceConfig("cron", { schedule: "@hourly" }),
  ];
  const configured = (s: (typeof services)[number]) => s.replicas ?? 1;

  test("a count whose ports are free is fine; one that reaches another service's port is refused naming it", () => {
    expect(scaleProblem(services, "web", 4, configured)).toBeUndefined();
    expect(scaleProblem(services, "web", 5, configured)).toBe('replica 5 would listen on port 8004, which "api" uses');
  });

  test("the other services' counts are the running ones (scaled), not the config's", () => {
    expect(scaleProblem(services, "admin", 2, configured)).toBeUndefined();
    expect(scaleProblem(services, "web", 3, (s) => (s.name === "api" ? 1 : s.name === "web" ? 2 : 1))).toBeUndefined();
    const scaledAdmin = [...services.slice(0, 2), serviceConfig("admin", { port: 7999 }), services[3] as (typeof services)[number]];
    expect(scaleProblem(scaledAdmin, "admin", 2, configured)).toBe('replica 2 would listen on port 8000, which "web" uses');
  });

  test("a scheduled service cannot have replicas; ports past 65535 are refused", () => {
    expect(scaleProblem(services, "cron", 2, configured)).toBe("cron runs on a schedule: one process per tick, so it cannot have replicas");
    expect(scaleProblem([serviceConfig("hi", { port: 65_535 })], "hi", 2, configured)).toBe("replica 2 would get port 65536, past 65535");
  });
});
