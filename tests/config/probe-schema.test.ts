import { describe, expect, test } from "bun:test";
import { defaultReadyProbe, validateProbe, type ProbeRole } from "../../src/config/probe-schema.ts";
import { validateConfig } from "../../src/config/schema.ts";
import type { ConfigProblem, ProbeCheck } from "../../src/config/types.ts";

const WHERE = { file: "/proj/canopy.yaml", dir: "/proj" };

function probe(raw: unknown, role: ProbeRole) {
  const problems: { field: string; message: string }[] = [];
  const result = validateProbe(raw, role, (field, message) => problems.push({ field, message }));
  return { result, problems };
}

function serviceProblems(settings: Record<string, unknown>): ConfigProblem[] {
  return validateConfig({ services: { api: { cmd: "x", ...settings } } }, WHERE).problems;
}

const CHECKS: [Record<string, unknown>, ProbeCheck][] = [
  [{ tcp: 5432 }, { kind: "tcp", port: 5432 }],
  [{ http: "http://127.0.0.1:8080/healthz" }, { kind: "http", url: "http://127.0.0.1:8080/healthz" }],
  [{ http: "https://example.test/ok" }, { kind: "http", url: "https://example.test/ok" }],
  [{ exec: "pg_isready -q" }, { kind: "exec", cmd: ["/bin/sh", "-c", "pg_isready -q"] }],
  [{ exec: ["pg_isready", "-q"] }, { kind: "exec", cmd: ["pg_isready", "-q"] }],
  [{ log: "listening on \\d+" }, { kind: "log", pattern: "listening on \\d+" }],
  [{ notify: true }, { kind: "notify" }],
];

describe("validateProbe: each check kind", () => {
  test.each(CHECKS)("ready %j", (raw, check) => {
    expect(probe(raw, "ready")).toEqual({
      result: { check, intervalMs: 250, timeoutMs: 1_000, initialDelayMs: 0, failureThreshold: 1 },
      problems: [],
    });
  });

  test("alive defaults: every 10s, 1s timeout, 3 failures", () => {
    expect(probe({ tcp: 80 }, "alive").result).toEqual({
      check: { kind: "tcp", port: 80 },
      intervalMs: 10_000,
      timeoutMs: 1_000,
      initialDelayMs: 0,
      failureThreshold: 3,
    });
  });

  test("options are read", () => {
    const raw = { http: "http://[::1]:80/", interval: "500ms", timeout: "2s", initial_delay: "1m", failure_threshold: 7 };
    expect(probe(raw, "alive")).toEqual({
      result: { check: { kind: "http", url: "http://[::1]:80/" }, intervalMs: 500, timeoutMs: 2_000, initialDelayMs: 60_000, failureThreshold: 7 },
      problems: [],
    });
  });
});

describe("validateProbe: problems", () => {
  test.each([
    [null, "ready", "ready", "expected a mapping with one of tcp, http, exec, log, notify (and optionally interval, timeout…), got nothing"],
    [5432, "alive", "alive", "expected a mapping with one of tcp, http, exec, log (and optionally interval, timeout…), got 5432"],
    [{ interval: "1s" }, "ready", "ready", "needs one check: tcp, http, exec, log, notify"],
    [{ tcp: 1, http: "http://a/" }, "ready", "ready", "names tcp and http; give exactly one check"],
    [{ tcp: 0 }, "ready", "ready.tcp", "must be from 1 to 65535, got 0"],
    [{ tcp: "5432" }, "alive", "alive.tcp", 'expected a whole number from 1 to 65535, got "5432"'],
    [{ http: "127.0.0.1:8080/healthz" }, "ready", "ready.http", 'expected an http:// or https:// URL such as http://127.0.0.1:8080/healthz, got "127.0.0.1:8080/healthz"'],
    [{ http: "ftp://host/x" }, "ready", "ready.http", 'expected an http:// or https:// URL such as http://127.0.0.1:8080/healthz, got "ftp://host/x"'],
    [{ http: "" }, "ready", "ready.http", "must not be empty"],
    [{ exec: [] }, "ready", "ready.exec", "must not be an empty list"],
    [{ exec: ["ok", 1] }, "alive", "alive.exec[1]", 'expected a string, got 1 (quote it: "1")'],
    [{ exec: 3 }, "ready", "ready.exec", "expected a command line or a list of strings, got 3"],
    [{ log: "(unclosed" }, "ready", "ready.log", "not a valid regular expression: "],
    [{ notify: false }, "ready", "ready.notify", "expected true (READY=1 over NOTIFY_SOCKET), got false"],
    [{ notify: true }, "alive", "alive.notify", "notify is for ready probes only (READY=1 is sent once)"],
    [{ tcp: 1, failure_threshold: 3 }, "ready", "ready.failure_threshold", "only alive probes have failure_threshold; a ready probe keeps trying until it passes"],
    [{ tcp: 1, failure_threshold: 0 }, "alive", "alive.failure_threshold", "must be from 1 to 1000, got 0"],
    [{ tcp: 1, failure_threshold: 1001 }, "alive", "alive.failure_threshold", "must be from 1 to 1000, got 1001"],
    [{ tcp: 1, interval: "soon" }, "ready", "ready.interval", 'expected a duration like 250ms, 5s or 2m, got "soon"'],
    [{ tcp: 1, interval: 0 }, "alive", "alive.interval", "must be at least 1ms, got 0"],
    [{ tcp: 1, timeout: "25h" }, "ready", "ready.timeout", 'must be at most 24h, got "25h"'],
    [{ tcp: 1, initial_delay: -5 }, "ready", "ready.initial_delay", "expected a duration like 250ms, 5s or 2m, got -5"],
    [{ tcp: 1, intervall: "1s" }, "ready", "ready.intervall", "unknown key; did you mean interval?"],
    [{ tcp: 1, colour: 1 }, "alive", "alive.colour", "unknown key; known keys: tcp, http, exec, log, interval, timeout, initial_delay, failure_threshold"],
  ] as const)("%j as %s → %s", (raw, role, field, message) => {
    const { result, problems } = probe(raw, role);
    expect(result).toBeUndefined();
    expect(problems).toHaveLength(1);
    expect(problems[0]?.field).toBe(field);
    expect(problems[0]?.message).toStartWith(message);
  });
});

describe("ready/alive on a service", () => {
  test("port without ready gives the default tcp ready probe; no port, no ready probe", () => {
    const { config, problems } = validateConfig({ services: { web: { cmd: "x", port: 3000 }, job: { cmd: "y" } } }, WHERE);
    expect(problems).toEqual([]);
    expect(config.services[0]?.ready).toEqual(defaultReadyProbe(3000));
    expect(defaultReadyProbe(3000)).toEqual({ check: { kind: "tcp", port: 3000 }, intervalMs: 250, timeoutMs: 1_000, initialDelayMs: 0, failureThreshold: 1 });
    expect(config.services[1]?.ready).toBeUndefined();
    expect(config.services[1]?.alive).toBeUndefined();
  });

  test("an explicit ready wins over the port's default", () => {
    const { config } = validateConfig({ services: { web: { cmd: "x", port: 3000, ready: { log: "ready" } } } }, WHERE);
    expect(config.services[0]?.ready?.check).toEqual({ kind: "log", pattern: "ready" });
  });

  test("problems name the service and the probe field", () => {
    expect(serviceProblems({ ready: { tcp: 1, http: "http://a/" }, alive: { notify: true } })).toEqual([
      { service: "api", field: "ready", message: "names tcp and http; give exactly one check" },
      { service: "api", field: "alive.notify", message: "notify is for ready probes only (READY=1 is sent once)" },
    ]);
  });
});
