/** What /metrics shows, built from a snapshot: every family, its type, and which services it covers. */
import { expect, test } from "bun:test";
import { buildFamilies, type MetricsSnapshot, type ServiceSnapshot } from "../../src/metrics/families.ts";

const running: ServiceSnapshot = {
  name: "web",
  up: true,
  pid: 4321,
  ready: true,
  restartsTotal: 2,
  startTimeSeconds: 1_700_000_000.5,
  cpuSeconds: 1.25,
  memoryBytes: 4096,
  logLines: { stdout: 10, stderr: 3 },
  droppedLines: 7,
};
const stopped: ServiceSnapshot = { name: "db", up: false, ready: false, restartsTotal: 0, logLines: { stdout: 0, stderr: 0 }, droppedLines: 0 };
const snapshot: MetricsSnapshot = {
  daemon: { pid: 99, version: "1.2.3", commit: "abc1234", startTimeSeconds: 1_699_999_999, cpuSeconds: 0.5, memoryBytes: 30_000_000 },
  services: [running, stopped],
  notify: { sent: { command: 1, webhook: 2 }, failures: { command: 0, webhook: 3 } },
};

test("every family the issue asks for, with its type, and a sample per service unless the value needs a process", () => {
  const families = buildFamilies(snapshot);
  const shape = Object.fromEntries(
    families.map((f) => [f.name, { type: f.type, samples: f.samples.map((s) => `${JSON.stringify(s.labels)} ${s.value}`) }]),
  );
  expect(shape).toEqual({
    canopy_service_up: { type: "gauge", samples: ['{"service":"web"} 1', '{"service":"db"} 0'] },
    canopy_service_pid: { type: "gauge", samples: ['{"service":"web"} 4321'] },
    canopy_service_ready: { type: "gauge", samples: ['{"service":"web"} 1', '{"service":"db"} 0'] },
    canopy_service_restarts_total: { type: "counter", samples: ['{"service":"web"} 2', '{"service":"db"} 0'] },
    canopy_service_start_time_seconds: { type: "gauge", samples: ['{"service":"web"} 1700000000.5'] },
    canopy_service_cpu_seconds_total: { type: "counter", samples: ['{"service":"web"} 1.25'] },
    canopy_service_memory_bytes: { type: "gauge", samples: ['{"service":"web"} 4096'] },
    canopy_service_log_lines_total: {
      type: "counter",
      samples: [
        '{"service":"web","stream":"stdout"} 10',
        '{"service":"web","stream":"stderr"} 3',
        '{"service":"db","stream":"stdout"} 0',
        '{"service":"db","stream":"stderr"} 0',
      ],
    },
    canopy_service_log_dropped_lines_total: { type: "counter", samples: ['{"service":"web"} 7', '{"service":"db"} 0'] },
    canopy_daemon_build_info: { type: "gauge", samples: ['{"version":"1.2.3","commit":"abc1234"} 1'] },
    canopy_daemon_pid: { type: "gauge", samples: ["{} 99"] },
    canopy_daemon_start_time_seconds: { type: "gauge", samples: ["{} 1699999999"] },
    canopy_daemon_cpu_seconds_total: { type: "counter", samples: ["{} 0.5"] },
    canopy_daemon_memory_bytes: { type: "gauge", samples: ["{} 30000000"] },
    canopy_notify_sent_total: { type: "counter", samples: ['{"notifier":"command"} 1', '{"notifier":"webhook"} 2'] },
    canopy_notify_failures_total: { type: "counter", samples: ['{"notifier":"command"} 0', '{"notifier":"webhook"} 3'] },
  });
});

test("counters end in _total, and every family has help text", () => {
  for (const f of buildFamilies(snapshot)) {
    expect(f.help.length).toBeGreaterThan(10);
    expect(f.name.endsWith("_total")).toBe(f.type === "counter");
  }
});

test("a replica's series carry service (the service's name) and replica (its number); a plain service's carry service alone", () => {
  const replica: ServiceSnapshot = { ...running, name: "web.2", replica: { service: "web", index: 2 } };
  const families = buildFamilies({ ...snapshot, services: [replica, stopped] });
  const up = families.find((f) => f.name === "canopy_service_up");
  expect(up?.samples.map((s) => s.labels)).toEqual([{ service: "web", replica: "2" }, { service: "db" }]);
  const lines = families.find((f) => f.name === "canopy_service_log_lines_total");
  expect(lines?.samples[0]?.labels).toEqual({ service: "web", replica: "2", stream: "stdout" });
});
