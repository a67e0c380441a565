/** The Orchestrator with replicas, over a real Supervisor with fake children: NAME and NAME.i, dependents, scale, rolling restarts. */
import { expect, test } from "bun:test";
import type { CanopyConfig, ServiceConfig } from "../../src/config/index.ts";
import { Orchestrator } from "../../src/orchestration/orchestrator.ts";
import { Supervisor } from "../../src/supervisor.ts";
import type { ProbeSpec } from "../../src/supervisor/types.ts";
import { makeFleet, waitFor } from "../supervisor/helpers.ts";
import { serviceConfig } from "../helpers/service-config.ts";

const readyProbe: ProbeSpec = { check: { kind: "exec", cmd: ["check"] }, intervalMs: 5, timeoutMs: 100, initialDelayMs: 0, failureThreshold: 1 };

function config(services: ServiceConfig[]): CanopyConfig {
  return { file: "/srv/canopy.yaml", dir: "/srv", services, logs: { maxSizeBytes: 1 << 20, maxFiles: 1 } };
}

/** web (3 replicas, each ready when the test says so, by CANOPY_REPLICA) ← api (healthy). */
function setup(services?: ServiceConfig[]) {
  const fleet = makeFleet();
  const ready = new Set<string>();
  const probed: string[] = [];
  const sup = new Supervisor({
    spawnFn: fleet.spawn,
    killFn: fleet.killFn,
    sleep: (ms) => Bun.sleep(Math.min(ms, 5)),
    output: () => {},
    startReadyMs: 60_000,
    probe: async (_check, ctx) => {
      const replica = ctx.env?.CANOPY_REPLICA ?? "";
      probed.push(replica);
      const ok = ready.has(replica);
      return { ok, detail: ok ? "exit code 0" : "check exited with code 1" };
    },
    onEvent: (e) => orch.onEvent(e),
  });
  const all = services ?? [
    serviceConfig("web", { replicas: 3, ready: readyProbe, restartDelayMs: 0, restartMaxDelayMs: 0 }),
    serviceConfig("api", { dependsOn: [{ service: "web", condition: "healthy" }] }),
  ];
  const orch: Orchestrator = new Orchestrator(sup, config(all), () => {});
  const spawned = () => fleet.requests.map((r) => r.short);
  return { fleet, sup, orch, spawned, ready, probed };
}

test("NAME starts every replica; a dependent waits until all of them are ready", async () => {
  const t = setup();
  t.orch.startAutostart();
  await waitFor(() => t.spawned().length === 3, "three replicas to spawn");
  expect(t.spawned().sort()).toEqual(["web.1", "web.2", "web.3"]);
  expect(t.fleet.requests.map((r) => r.env?.CANOPY_REPLICA).sort()).toEqual(["1", "2", "3"]);
  await waitFor(() => t.orch.hold("api")?.status === "waiting", "api to wait");
  t.ready.add("1");
  t.ready.add("2");
  await waitFor(() => t.sup.get("web.2")?.ready === true, "web.2 to be ready");
  expect(t.spawned()).not.toContain("api");
  t.ready.add("3");
  await waitFor(() => t.spawned().includes("api"), "api to start once web.3 is ready too");
  await t.orch.stopAll();
  expect(["web.1", "web.2", "web.3", "api"].map((n) => t.fleet.alive(n))).toEqual([0, 0, 0, 0]);
});

test("NAME.2 stops and starts that replica alone", async () => {
  const t = setup([serviceConfig("worker", { replicas: 3 })]);
  t.orch.startAutostart();
  await waitFor(() => ["worker.1", "worker.2", "worker.3"].every((n) => t.sup.get(n)?.status === "running"), "three replicas to run");
  await t.orch.stop("worker.2");
  expect(["worker.1", "worker.2", "worker.3"].map((n) => t.sup.get(n)?.status)).toEqual(["running", "stopped", "running"]);
  expect(t.orch.isWanted("worker.2")).toBe(false);
  expect(t.orch.isWanted("worker.1")).toBe(true);
  await t.orch.start("worker.2");
  expect(t.sup.get("worker.2")?.status).toBe("running");
  expect(t.spawned().filter((n) => n === "worker.2")).toHaveLength(2);
  await t.orch.stopAll();
});

test("scale starts the missing replicas and stops the highest-numbered first; it survives a reload unless replicas changed", async () => {
  const t = setup([serviceConfig("worker", { replicas: 2 })]);
  t.orch.startAutostart();
  await waitFor(() => t.sup.get("worker.2")?.status === "running", "two replicas to run");
  const pid1 = t.sup.get("worker.1")?.pid;
  const up = await t.orch.scale("worker", 4);
  expect(up).toMatchObject({ from: 2, to: 4, start: ["worker.3", "worker.4"], stop: [] });
  expect(t.orch.instances().map((p) => p.name)).toEqual(["worker.1", "worker.2", "worker.3", "worker.4"]);
  expect(t.sup.get("worker.4")?.status).toBe("running");
  expect(t.sup.get("worker.1")?.pid).toBe(pid1 as number);

  const down = await t.orch.scale("worker", 1);
  expect(down).toMatchObject({ stop: ["worker.4", "worker.3", "worker.2", "worker.1"], start: ["worker"] });
  expect(["worker.1", "worker.2", "worker.3", "worker.4"].map((n) => t.fleet.alive(n))).toEqual([0, 0, 0, 0]);
  expect(t.sup.get("worker")?.status).toBe("running");
  expect(t.sup.get("worker.3")).toBeUndefined();

  await t.orch.scale("worker", 3);
  const same = config([serviceConfig("worker", { replicas: 2 })]);
  expect(t.orch.countsFor(same)(same.services[0] as ServiceConfig)).toBe(3);
  t.orch.setConfig(same);
  expect(t.orch.instances()).toHaveLength(3);
  const changed = config([serviceConfig("worker", { replicas: 5 })]);
  expect(t.orch.countsFor(changed)(changed.services[0] as ServiceConfig)).toBe(5);
  await t.orch.stopAll();
});

test("restart --rolling restarts one replica at a time: the next only once the one before is ready again", async () => {
  const t = setup([serviceConfig("web", { replicas: 3, ready: readyProbe })]);
  for (const r of ["1", "2", "3"]) t.ready.add(r);
  t.orch.startAutostart();
  await waitFor(() => ["web.1", "web.2", "web.3"].every((n) => t.sup.get(n)?.ready), "three ready replicas");
  const before = ["web.1", "web.2", "web.3"].map((n) => t.sup.get(n)?.pid);
  t.ready.delete("2");
  const rolling = t.orch.restartRolling("web");
  await waitFor(() => t.spawned().filter((n) => n === "web.2").length === 2, "web.2 to be respawned");
  // web.2 is not ready again: web.3 is left alone meanwhile.
  await waitFor(() => t.probed.filter((r) => r === "2").length > 5, "web.2 to be probed a few times");
  expect(t.sup.get("web.3")?.pid).toBe(before[2] as number);
  expect(t.spawned().filter((n) => n === "web.3")).toHaveLength(1);
  t.ready.add("2");
  expect(await rolling).toEqual({ restarted: ["web.1", "web.2", "web.3"] });
  const after = ["web.1", "web.2", "web.3"].map((n) => t.sup.get(n)?.pid);
  after.forEach((pid, i) => expect(pid).not.toBe(before[i] as number));
  await t.orch.stopAll();
});
