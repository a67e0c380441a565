/** What the CLI says about a service (describe, explain, the status table) and about events and reload plans. Pure. */
import { describe, expect, test } from "bun:test";
import type { EventEntry, ServiceView } from "../../src/api/wire.ts";
import type { ServiceConfig } from "../../src/config/index.ts";
import { formatEvent } from "../../src/cli/commands/events.ts";
import { formatPlan } from "../../src/cli/commands/reload.ts";
import { formatBytes, formatCpu, renderTable } from "../../src/cli/commands/status.ts";
import { describeService, explain, formatDuration } from "../../src/cli/describe.ts";
import { makeColors } from "../../src/cli/style.ts";
import { serviceConfig } from "../helpers/service-config.ts";
import { serviceView } from "../helpers/service-view.ts";

function view(extra: Partial<ServiceView> = {}): ServiceView {
  return serviceView("api", extra);
}

function config(extra: Partial<ServiceConfig> = {}): ServiceConfig {
  return serviceConfig("api", extra);
}

const NOW = Date.parse("2030-01-01T00:00:00.000Z");

describe("explain", () => {
  test("a healthy running service needs no explanation", () => {
    expect(explain(view())).toBeUndefined();
    expect(describeService(view({ port: 8080 }))).toBe("api: running (pid 100, port 8080)");
  });

  test("waiting names the dependencies and, with the config, their conditions", () => {
    const waiting = view({ status: "waiting", pid: null, ready: false, waiting_for: ["db", "cache"] });
    expect(explain(waiting)).toBe('waiting for "db", "cache"');
    const cfg = config({ dependsOn: [{ service: "db", condition: "healthy" }, { service: "cache", condition: "started" }] });
    expect(explain(waiting, { config: cfg })).toBe('waiting for "db" (healthy), "cache" (started)');
    expect(explain(view({ status: "waiting", pid: null }))).toBe("waiting for its dependencies");
  });

  test("blocked gives the daemon's reason, which names the dependency", () => {
    const blocked = view({
      status: "blocked",
      pid: null,
      start_error: { error_type: "dependency_failed", error_description: 'dependency "db" crashed (exited with code 1); starts once "db" is running again', at: "" },
    });
    expect(describeService(blocked)).toBe('api: blocked — dependency "db" crashed (exited with code 1); starts once "db" is running again');
  });

  test("a SIGKILL death suggests the OOM killer; other signals and exit codes are shown as they are", () => {
    const base = { status: "restarting" as const, pid: null, restarts: 1 };
    expect(explain(view({ ...base, exit_code: 137, exit_signal: "SIGKILL" }), { now: NOW })).toStartWith("exit 137 SIGKILL — possibly out of memory; ");
    expect(explain(view({ ...base, exit_code: null, exit_signal: "SIGKILL" }), { now: NOW })).toStartWith("exit 137 SIGKILL — possibly out of memory");
    expect(explain(view({ ...base, exit_code: null, exit_signal: "SIGSEGV" }), { now: NOW })).toStartWith("exit 139 SIGSEGV;");
    expect(explain(view({ ...base, exit_code: 2 }), { now: NOW })).toStartWith("exit 2;");
  });

  test("restarting: the last exit, the crashes in the window (from the config) and when the next restart comes", () => {
    const restarting = view({ status: "restarting", pid: null, restarts: 3, exit_code: 1, next_restart_at: new Date(NOW + 1_640).toISOString() });
    expect(explain(restarting, { now: NOW, config: config({ restartWindowMs: 30_000 }) })).toBe("exit 1; 3 crashes in 30s; next restart in 1.6s");
    expect(explain({ ...restarting, restarts: 1 }, { now: NOW })).toBe("exit 1; 1 crash in the restart window; next restart in 1.6s");
    expect(explain(restarting, { now: NOW + 60_000 })).toContain("next restart in 0s");
  });

  test("crashed after the budget ran out: gave up, how many crashes in how long, and how to retry", () => {
    const crashed = view({ status: "crashed", pid: null, ready: false, restarts: 4, exit_code: 1 });
    expect(explain(crashed, { config: config() })).toBe("gave up: 4 crashes in 60s; last exit 1; start it again to retry");
  });

  test("crashed under restart: never / on-failure says so; a start error is the reason when there is one", () => {
    const once = view({ status: "crashed", pid: null, ready: false, exit_code: 1, reason: "exited with code 1" });
    expect(explain(once, { config: config({ restart: "never" }) })).toBe("exit 1; restart: never");
    const missing = view({
      status: "crashed",
      pid: null,
      start_error: { error_type: "missing_dependency", error_description: 'cannot find "pg" on PATH', at: "" },
    });
    expect(explain(missing)).toBe('cannot find "pg" on PATH');
  });

  test("running after crashes: how many, and what the last one was (a liveness restart in its own words)", () => {
    const after = view({ restarts: 2, exit_code: 143, exit_signal: "SIGTERM", reason: "restarted: liveness probe failed 3 times in a row (HTTP 500 from http://x/livez)" });
    expect(explain(after, { config: config() })).toBe("2 crashes in 60s; last restarted: liveness probe failed 3 times in a row (HTTP 500 from http://x/livez)");
  });

  test("running but not ready: the start error explains", () => {
    const unready = view({ ready: false, start_error: { error_type: "not_ready", error_description: "api is running but not ready after 5000ms (HTTP 503)", at: "" } });
    expect(explain(unready)).toBe("api is running but not ready after 5000ms (HTTP 503)");
  });

  test("completed shows its clean exit; stopped needs nothing", () => {
    expect(explain(view({ status: "completed", pid: null, exit_code: 0 }))).toBe("exit 0");
    expect(explain(view({ status: "stopped", pid: null, exit_code: 143, exit_signal: "SIGTERM" }))).toBeUndefined();
  });
});

describe("formatting", () => {
  test("durations, CPU and memory", () => {
    expect([250, 1_000, 1_500, 60_000, 90_000, 120_000, 3_600_000].map(formatDuration)).toEqual(["250ms", "1s", "1.5s", "60s", "90s", "2m", "60m"]);
    expect([0, 1.25, 153.25].map(formatCpu)).toEqual(["0.0%", "1.3%", "153.3%"]);
    expect([512, 4096, 12.3 * 1024 * 1024, 1.5 * 1024 ** 3].map(formatBytes)).toEqual(["512B", "4.0K", "12.3M", "1.5G"]);
  });

  test("the status table: READY, CPU, MEM and WHY columns, dashes where there is nothing to show", () => {
    const c = makeColors(false);
    const rows = [
      view({ name: "web", port: 8080, cpu_percent: 1.5, memory_bytes: 12.3 * 1024 * 1024, started_at: new Date(NOW - 65_000).toISOString() }),
      view({ name: "db", status: "restarting", pid: null, ready: false, restarts: 1, exit_code: 1, next_restart_at: new Date(NOW + 2_000).toISOString() }),
      view({ name: "off", status: "stopped", pid: null, ready: false }),
    ];
    expect(renderTable(c, rows, NOW)).toBe(
      [
        "NAME  STATUS      READY  PID  PORT  CPU   MEM    UPTIME  RESTARTS  WHY",
        "web   running     yes    100  8080  1.5%  12.3M  1m      0",
        "db    restarting  -      -    -     -     -      -       1         exit 1; 1 crash in the restart window; next restart in 2s",
        "off   stopped     -      -    -     -     -      -       0",
        "",
      ].join("\n"),
    );
    const unready = renderTable(c, [view({ ready: false })], NOW);
    expect(unready.split("\n")[1]).toMatch(/^api\s+running\s+no\s+100/);
  });

  test("the status table escapes control characters that came from outside", () => {
    const evil = view({ status: "crashed", pid: null, start_error: { error_type: "spawn_failed", error_description: "bad\u001b[2Jthing", at: "" } });
    expect(renderTable(makeColors(false), [evil], NOW)).toContain("bad\\x1b[2Jthing");
  });

  test("events: one line each, with what each type carries", () => {
    const at = "2030-01-01T00:00:00.000Z";
    const lines: [EventEntry, string][] = [
      [{ type: "started", service: "db", at, pid: 7 }, `${at} db started pid 7`],
      [{ type: "exited", service: "db", at, pid: 7, exit_code: 137, signal: "SIGKILL", reason: "killed by SIGKILL" }, `${at} db exited pid 7 exit 137 SIGKILL — killed by SIGKILL`],
      [{ type: "exited", service: "db", at, pid: 7, exit_code: 0, signal: null }, `${at} db exited pid 7 exit 0`],
      [{ type: "restarting", service: "db", at, delay_ms: 200, reason: "exited with code 1" }, `${at} db restarting in 200ms — exited with code 1`],
      [{ type: "gave_up", service: "db", at, crashes: 5 }, `${at} db gave_up after 5 crashes`],
      [{ type: "stopped", service: "db", at }, `${at} db stopped`],
      [{ type: "start_failed", service: "db", at, reason: "x\u0007" }, `${at} db start_failed — x\u0007`],
    ];
    for (const [e, line] of lines) expect(formatEvent(e)).toBe(line);
    expect(formatEvent({ type: "start_failed", service: "db", at, reason: "x\u0007" }, true)).toBe(`${at} db start_failed — x\\x07`);
  });

  test("a reload plan: + added, - removed, ~ changed, = N unchanged, then warnings", () => {
    expect(
      formatPlan({ applied: true, plan: { added: ["new"], removed: ["old"], changed: ["a", "b"], unchanged: ["x"] }, warnings: ["w1"] }),
    ).toBe("+ new\n- old\n~ a\n~ b\n= 1 unchanged\nwarning: w1\n");
    expect(formatPlan({ applied: false, plan: { added: [], removed: [], changed: [], unchanged: [] }, warnings: [] })).toBe("= 0 unchanged\n");
  });
});
