/** The daemon's DaemonControl over a real Orchestrator and Supervisor (fake children): held views, --all in dependency order. */
import { describe, expect, test } from "bun:test";
import type { EventEntry, LogEntry, ServiceResult } from "../../src/api/wire.ts";
import type { CanopyConfig, ServiceConfig } from "../../src/config/index.ts";
import { Broadcast } from "../../src/daemon/broadcast.ts";
import { createControl } from "../../src/daemon/control.ts";
import { ServiceCounters } from "../../src/metrics/service-counters.ts";
import { Notifier } from "../../src/notify/notifier.ts";
import { ResourceSampler } from "../../src/daemon/resources.ts";
import { Orchestrator } from "../../src/orchestration/orchestrator.ts";
import { Supervisor, type SupervisorEvent } from "../../src/supervisor.ts";
import { makeFleet, waitFor } from "../supervisor/helpers.ts";
import { serviceConfig } from "../helpers/service-config.ts";

/** The status of a plain service's view. */
const statusOf = (r: ServiceResult | undefined) => (r && "status" in r ? r.status : undefined);

/** Fast restarts: no delay between a crash and its respawn. */
function svc(name: string, extra: Partial<ServiceConfig> = {}): ServiceConfig {
  return serviceConfig(name, { restartDelayMs: 0, restartMaxDelayMs: 0, ...extra });
}

/** db (ready when the test says) ← api (healthy) ← web (started). */
function setup() {
  const fleet = makeFleet();
  const events: SupervisorEvent[] = [];
  let dbReady = false;
  const services = [
    svc("db", { ready: { check: { kind: "exec", cmd: ["check"] }, intervalMs: 5, timeoutMs: 100, initialDelayMs: 0, failureThreshold: 1 } }),
    svc("api", { dependsOn: [{ service: "db", condition: "healthy" }] }),
    svc("web", { dependsOn: [{ service: "api", condition: "started" }] }),
  ];
  const config: CanopyConfig = { file: "/srv/canopy.yaml", dir: "/srv", services, logs: { maxSizeBytes: 1 << 20, maxFiles: 1 } };
  const supervisor = new Supervisor({
    spawnFn: fleet.spawn,
    killFn: fleet.killFn,
    sleep: (ms) => Bun.sleep(Math.min(ms, 5)),
    output: () => {},
    probe: async () => ({ ok: dbReady, detail: dbReady ? "exit code 0" : "check exited with code 1" }),
    onEvent: (e) => {
      events.push(e);
      orchestrator.onEvent(e);
    },
  });
  const orchestrator: Orchestrator = new Orchestrator(supervisor, config, () => {});
  const control = createControl({
    config: () => config,
    supervisor,
    orchestrator,
    logs: new Broadcast<LogEntry>(),
    events: new Broadcast<EventEntry>(10),
    resources: new ResourceSampler(),
    logDir: "/nonexistent",
    info: { pid: 1, version: "test", started_at: "", config_file: config.file },
    reload: async () => ({ applied: false, plan: { added: [], removed: [], changed: [], unchanged: [] }, warnings: [] }),
    shutdown: async () => {},
    counters: new ServiceCounters(),
    notifier: new Notifier({
      config: () => undefined,
      cwd: () => "/",
      daemon: { pid: 1, config_file: config.file, hostname: "test" },
      secrets: () => [],
      log: () => {},
    }),
  });
  return { fleet, events, supervisor, orchestrator, control, ready: () => void (dbReady = true) };
}

describe("views of held services", () => {
  test("waiting shows the dependencies it waits for; running ones carry no waiting_for", async () => {
    const t = setup();
    t.orchestrator.startAutostart();
    await waitFor(() => statusOf(t.control.get("db")) === "starting", "db to start");
    const api = t.control.get("api");
    expect(api).toMatchObject({ status: "waiting", waiting_for: ["db"], pid: null, start_error: null });
    expect(t.control.get("web")).toMatchObject({ status: "waiting", waiting_for: ["api"] });

    t.ready();
    await waitFor(() => statusOf(t.control.get("web")) === "running", "web to run");
    const views = t.control.list();
    expect(views.map((v) => [v.name, v.status, v.ready])).toEqual([
      ["db", "running", true],
      ["api", "running", true],
      ["web", "running", true],
    ]);
    for (const v of views) expect(v.waiting_for).toBeUndefined();
    await t.orchestrator.stopAll();
  });
});

describe("all(action)", () => {
  test("stop stops dependents first; start brings everything back in dependency order", async () => {
    const t = setup();
    t.ready();
    t.orchestrator.startAutostart();
    await waitFor(() => statusOf(t.control.get("web")) === "running", "web to run");

    const mark = t.events.length;
    const stopped = await t.control.all("stop");
    expect(stopped.map((v) => v.status)).toEqual(["stopped", "stopped", "stopped"]);
    expect(t.events.slice(mark).filter((e) => e.type === "stopped").map((e) => e.service)).toEqual(["web", "api", "db"]);

    const again = t.events.length;
    const started = await t.control.all("start");
    // Everything is started or on its way (waiting counts: it starts once its dependencies allow).
    for (const v of started) expect(["starting", "running", "waiting"]).toContain(v.status);
    await waitFor(() => statusOf(t.control.get("web")) === "running", "web to run again");
    const starts = t.events.slice(again).filter((e) => e.type === "started").map((e) => e.service);
    expect(starts).toEqual(["db", "api", "web"]);
    await t.orchestrator.stopAll();
  });

  test("restart is a stop in reverse order, then starts in order: no dependent is back before what it needs", async () => {
    const t = setup();
    t.ready();
    t.orchestrator.startAutostart();
    await waitFor(() => statusOf(t.control.get("web")) === "running", "web to run");
    const mark = t.events.length;
    await t.control.all("restart");
    await waitFor(() => statusOf(t.control.get("web")) === "running", "web to run after the restart");
    const seen = t.events.slice(mark).filter((e) => e.type === "stopped" || e.type === "started").map((e) => `${e.type} ${e.service}`);
    expect(seen).toEqual(["stopped web", "stopped api", "stopped db", "started db", "started api", "started web"]);
    await t.orchestrator.stopAll();
  });
});
