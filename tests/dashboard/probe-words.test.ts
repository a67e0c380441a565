import { expect, test } from "bun:test";
import { probeWords } from "../../src/dashboard/probe-words.ts";

const pacing = { intervalMs: 5000, timeoutMs: 1000, initialDelayMs: 0, failureThreshold: 3 };

test("each kind of probe in words, with its interval where it polls", () => {
  expect(probeWords(undefined)).toBeNull();
  expect(probeWords({ ...pacing, check: { kind: "http", url: "http://127.0.0.1:8080/livez" } })).toBe("http :8080/livez every 5s");
  expect(probeWords({ ...pacing, check: { kind: "http", url: "http://localhost/health?deep=1" } })).toBe("http :80/health?deep=1 every 5s");
  expect(probeWords({ ...pacing, check: { kind: "http", url: "http://db.internal:5433/healthz" } })).toBe("http http://db.internal:5433/healthz every 5s");
  expect(probeWords({ ...pacing, intervalMs: 250, check: { kind: "tcp", port: 8080 } })).toBe("tcp port 8080 every 250ms");
  expect(probeWords({ ...pacing, check: { kind: "exec", cmd: ["pg_isready", "-q"] } })).toBe("exec pg_isready -q every 5s");
  expect(probeWords({ ...pacing, check: { kind: "log", pattern: "listening on \\d+" } })).toBe("log /listening on \\d+/");
  expect(probeWords({ ...pacing, check: { kind: "notify" } })).toBe("notify");
});
