import { describe, expect, test } from "bun:test";
import { toSpawnRequest } from "../../src/config/spawn-request.ts";
import type { ServiceConfig } from "../../src/config/types.ts";

describe("toSpawnRequest", () => {
  test("maps every field, stopTimeoutMs → killTimeoutMs, and copies cmd and env", () => {
    const svc: ServiceConfig = {
      name: "api",
      cmd: ["bun", "server.ts"],
      cwd: "/srv/api",
      env: { PORT: "8080" },
      port: 8080,
      restart: "on-failure",
      maxRestarts: 3,
      restartWindowMs: 60_000,
      restartDelayMs: 500,
      stopSignal: "SIGINT",
      stopTimeoutMs: 7_000,
      autostart: false,
      dependsOn: [],
      restartMaxDelayMs: 30_000,
      restartResetAfterMs: 60_000,
      ready: { check: { kind: "tcp", port: 8080 }, intervalMs: 250, timeoutMs: 1_000, initialDelayMs: 0, failureThreshold: 1 },
      alive: { check: { kind: "http", url: "http://127.0.0.1:8080/healthz" }, intervalMs: 10_000, timeoutMs: 1_000, initialDelayMs: 0, failureThreshold: 3 },
    };
    const req = toSpawnRequest(svc);
    expect(req).toEqual({
      short: "api",
      cmd: ["bun", "server.ts"],
      env: { PORT: "8080" },
      cwd: "/srv/api",
      restart: "on-failure",
      maxRestarts: 3,
      restartWindowMs: 60_000,
      restartDelayMs: 500,
      stopSignal: "SIGINT",
      killTimeoutMs: 7_000,
      restartMaxDelayMs: 30_000,
      restartResetAfterMs: 60_000,
      envPortGate: false,
      ready: { check: { kind: "tcp", port: 8080 }, intervalMs: 250, timeoutMs: 1_000, initialDelayMs: 0, failureThreshold: 1 },
      alive: { check: { kind: "http", url: "http://127.0.0.1:8080/healthz" }, intervalMs: 10_000, timeoutMs: 1_000, initialDelayMs: 0, failureThreshold: 3 },
    });
    req.cmd.push("--x");
    req.env!.A = "1";
    expect(svc.cmd).toEqual(["bun", "server.ts"]);
    expect(svc.env).toEqual({ PORT: "8080" });
  });
});
