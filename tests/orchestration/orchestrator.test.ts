/** The Orchestrator over a real Supervisor with fake children: gated starts, holds, blocked, reverse-order stops. */
import { describe, expect, test } from "bun:test";
import type { CanopyConfig, ServiceConfig } from "../../src/config/index.ts";
import { Orchestrator } from "../../src/orchestration/orchestrator.ts";
import { Supervisor, type SupervisorEvent } from "../../src/supervisor.ts";
import type { ProbeSpec } from "../../src/supervisor/types.ts";
import { makeFleet, waitFor } from "../supervisor/helpers.ts";
import { serviceConfig } from "../helpers/service-config.ts";

/** Fast restarts: no delay between a crash and its respawn. */
function svc(name: string, extra: Partial<ServiceConfig> = {}): ServiceConfig {
  return serviceConfig(name, { restartDelayMs: 0, restartMaxDelayMs: 0, ...extra });
}

const readyProbe: ProbeSpec = { check: { kind: "exec", cmd: ["check"] }, intervalMs: 5, timeoutMs: 100, initialDelayMs: 0, failureThreshold: 1 };

function config(services: ServiceConfig[]): CanopyConfig {
  return { file: "/srv/canopy.yaml", dir: "/srv", services, logs: { maxSizeBytes: 1 << 20, maxFiles: 1 } };
}

/** a (ready probe) ← b (healthy) ← c (started); d alone. The test decides when a is ready. */
function setup(services?: ServiceConfig[]) {
  const fleet = makeFleet();
  const events: SupervisorEvent[] = [];
  const notices: string[] = [];
  let aReady = false;
  const sup = new Supervisor({
    spawnFn: fleet.spawn,
    killFn: fleet.killFn,
    sleep: (ms) => Bun.sleep(Math.min(ms, 5)),
    output: () => {},
    probe: async () => ({ ok: aReady, detail: aReady ? "exit code 0" : "check exited with code 1" }),
    onEvent: (e) => {
      events.push(e);
      orch.onEvent(e);
    },
  });
  const all = services ?? [
    svc("a", { ready: readyProbe }),
    svc("b", { dependsOn: [{ service: "a", condition: "healthy" }] }),
    svc("c", { dependsOn: [{ service: "b", condition: "started" }] }),
    svc("d"),
  ];
  const orch: Orchestrator = new Orchestrator(sup, config(all), (service, message) => notices.push(`${service}: ${message}`));
  const spawned = () => fleet.requests.map((r) => r.short);
  return {
    fleet,
    events,
    notices,
    sup,
    orch,
    spawned,
    makeReady: () => {
      aReady = true;
    },
  };
}

describe("dependency-gated starts", () => {
  test("independent services start at once; dependents wait, naming what they wait for, then start in order", async () => {
    const t = setup();
    t.orch.startAutostart();
    await waitFor(() => t.spawned().includes("a") && t.spawned().includes("d"), "a and d to spawn");
    expect(t.spawned().sort()).toEqual(["a", "d"]);
    expect(t.orch.hold("b")).toEqual({ status: "waiting", waitingFor: ["a"] });
    expect(t.orch.hold("c")).toEqual({ status: "waiting", waitingFor: ["b"] });

    t.makeReady();
    await waitFor(() => t.spawned().includes("c"), "c to spawn");
    expect(t.spawned().indexOf("b")).toBeLessThan(t.spawned().indexOf("c"));
    const order = t.events.filter((e) => e.type === "started" || e.type === "ready").map((e) => `${e.service}:${e.type}`);
    expect(order.indexOf("a:ready")).toBeLessThan(order.indexOf("b:started"));
    expect(order.indexOf("b:started")).toBeLessThan(order.indexOf("c:started"));
    expect(t.orch.hold("b")).toBeUndefined();
    expect(t.orch.hold("c")).toBeUndefined();
    await t.orch.stopAll();
  });

  test("stopAll stops dependents first, level by level", async () => {
    const t = setup();
    t.makeReady();
    t.orch.startAutostart();
    await waitFor(() => ["a", "b", "c", "d"].every((n) => t.sup.get(n)?.status === "running"), "all four to run");
    const before = t.events.length;
    await t.orch.stopAll();
    const stopped = t.events.slice(before).filter((e) => e.type === "stopped").map((e) => e.service);
    expect(stopped.indexOf("c")).toBeLessThan(stopped.indexOf("b"));
    expect(stopped.indexOf("b")).toBeLessThan(stopped.indexOf("a"));
    expect(stopped.sort()).toEqual(["a", "b", "c", "d"]);
    expect(["a", "b", "c", "d"].map((n) => t.fleet.alive(n))).toEqual([0, 0, 0, 0]);
  });

  test("a dependency that crashes blocks its dependent with a named start error; starting it again lets the dependent go", async () => {
    const t = setup([
      svc("db", { restart: "never", ready: readyProbe }),
      svc("api", { dependsOn: [{ service: "db", condition: "healthy" }] }),
    ]);
    t.orch.startAutostart();
    await waitFor(() => t.spawned().includes("db"), "db to spawn");
    t.fleet.exit(t.fleet.last(), 1);
    await waitFor(() => t.orch.hold("api")?.status === "blocked", "api to be blocked");
    const hold = t.orch.hold("api");
    expect(hold?.startError?.error_type).toBe("dependency_failed");
    expect(hold?.startError?.error_description).toContain('dependency "db" crashed');
    expect(hold?.startError?.error_description).toContain("exited with code 1");
    expect(t.notices.filter((n) => n.startsWith("api: blocked"))).toHaveLength(1);
    expect(t.spawned()).toEqual(["db"]);

    t.makeReady();
    await t.orch.start("db");
    await waitFor(() => t.spawned().includes("api"), "api to start once db is healthy again");
    expect(t.orch.hold("api")).toBeUndefined();
    await t.orch.stopAll();
  });

  test("condition completed: the dependent starts after a clean exit, not while the job runs", async () => {
    const t = setup([
      svc("migrate", { restart: "never" }),
      svc("server", { dependsOn: [{ service: "migrate", condition: "completed" }] }),
    ]);
    t.orch.startAutostart();
    await waitFor(() => t.sup.get("migrate")?.status === "running", "migrate to run");
    expect(t.orch.hold("server")).toEqual({ status: "waiting", waitingFor: ["migrate"] });
    t.fleet.exit(t.fleet.last(), 0);
    await waitFor(() => t.spawned().includes("server"), "server to start");
    expect(t.sup.get("migrate")?.status).toBe("completed");
    await t.orch.stopAll();
  });

  test("starting a dependent starts what it depends on (even when not autostart); stop forgets the intent", async () => {
    const t = setup([svc("db", { autostart: false }), svc("api", { autostart: false, dependsOn: [{ service: "db", condition: "started" }] })]);
    t.orch.startAutostart();
    expect(t.spawned()).toEqual([]);
    await t.orch.start("api");
    await waitFor(() => t.spawned().includes("api"), "api to start");
    expect(t.spawned()[0]).toBe("db");
    expect(t.orch.isWanted("api")).toBe(true);
    await t.orch.stop("api");
    expect(t.orch.isWanted("api")).toBe(false);
    await t.orch.stopAll();
  });
});
