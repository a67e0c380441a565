/** What `/metrics` shows, as metric families built from one snapshot of the daemon: no I/O. */
import type { Labels, MetricFamily, Sample } from "./prometheus.ts";

/** One service at scrape time. */
export interface ServiceSnapshot {
  /** The process's name: the service's, or one replica's (`web.2`). */
  name: string;
  /** For one copy of a service with `replicas:`: the service and which copy. */
  replica?: { service: string; index: number };
  /** A process of it is running (it has a pid). */
  up: boolean;
  /** The leader's pid (its process group), when one runs. */
  pid?: number;
  ready: boolean;
  /** Crashes counted against the restart budget since the daemon started (never goes down). */
  restartsTotal: number;
  /** Unix seconds of the current process's start; undefined when none runs. */
  startTimeSeconds?: number;
  /** CPU time of the live members of its process group; undefined when none runs. */
  cpuSeconds?: number;
  memoryBytes?: number;
  logLines: { stdout: number; stderr: number };
  droppedLines: number;
}

export interface DaemonSnapshot {
  pid: number;
  /** The release, e.g. "0.1.0". */
  version: string;
  /** The short commit it was built from ("dev" when unknown). */
  commit: string;
  startTimeSeconds: number;
  cpuSeconds: number;
  memoryBytes: number;
}

export type NotifierKind = "command" | "webhook";

export interface NotifySnapshot {
  sent: Record<NotifierKind, number>;
  failures: Record<NotifierKind, number>;
}

export interface MetricsSnapshot {
  daemon: DaemonSnapshot;
  services: ServiceSnapshot[];
  notify: NotifySnapshot;
}

/** The labels every per-service series carries: `service`, and `replica` (`"2"`) for one copy of a service with replicas. */
export function serviceLabels(s: ServiceSnapshot): Labels {
  return s.replica ? { service: s.replica.service, replica: String(s.replica.index) } : { service: s.name };
}

const NOTIFIERS: readonly NotifierKind[] = ["command", "webhook"];

/** Every family, in a fixed order; per-service families hold one sample per service (fewer where a value needs a process). */
export function buildFamilies(snap: MetricsSnapshot): MetricFamily[] {
  const per = (pick: (s: ServiceSnapshot) => number | undefined): Sample[] =>
    snap.services.flatMap((s) => {
      const value = pick(s);
      return value === undefined ? [] : [{ labels: serviceLabels(s), value }];
    });
  const d = snap.daemon;
  return [
    gauge("canopy_service_up", "1 when a process of the service is running (it has a pid), else 0.", per((s) => (s.up ? 1 : 0))),
    gauge("canopy_service_pid", "Pid of the running process, the leader of its process group (as status shows it).", per((s) => s.pid)),
    gauge("canopy_service_ready", "1 when the running process passed its readiness check (or has none), else 0.", per((s) => (s.ready ? 1 : 0))),
    counter(
      "canopy_service_restarts_total",
      "Crashes (a failed liveness check included) counted against the restart budget since the daemon started: each restarted, or the last gave up. Status shows the same count within the window.",
      per((s) => s.restartsTotal),
    ),
    gauge("canopy_service_start_time_seconds", "Start time of the running process, in unix seconds.", per((s) => s.startTimeSeconds)),
    counter("canopy_service_cpu_seconds_total", "User and system CPU time of the service: its cgroup's (every process that ran in it) with cgroup containment, else the live processes in its process group.", per((s) => s.cpuSeconds)),
    gauge("canopy_service_memory_bytes", "Memory of the service: its cgroup's memory.current with the memory controller, else the resident memory of its process group.", per((s) => s.memoryBytes)),
    counter(
      "canopy_service_log_lines_total",
      "Output lines received from the service since the daemon started, by stream.",
      snap.services.flatMap((s) => [
        { labels: { ...serviceLabels(s), stream: "stdout" }, value: s.logLines.stdout },
        { labels: { ...serviceLabels(s), stream: "stderr" }, value: s.logLines.stderr },
      ]),
    ),
    counter(
      "canopy_service_log_dropped_lines_total",
      "Output lines a live follower (logs -f, a follow stream) was not sent because it read too slowly, summed over followers. Log files drop none.",
      per((s) => s.droppedLines),
    ),
    gauge("canopy_daemon_build_info", "Always 1; the labels say which canopy runs.", [{ labels: { version: d.version, commit: d.commit }, value: 1 }]),
    gauge("canopy_daemon_pid", "Pid of the daemon.", [{ labels: {}, value: d.pid }]),
    gauge("canopy_daemon_start_time_seconds", "Start time of the daemon, in unix seconds.", [{ labels: {}, value: d.startTimeSeconds }]),
    counter("canopy_daemon_cpu_seconds_total", "User and system CPU time of the daemon process.", [{ labels: {}, value: d.cpuSeconds }]),
    gauge("canopy_daemon_memory_bytes", "Resident memory of the daemon process.", [{ labels: {}, value: d.memoryBytes }]),
    counter(
      "canopy_notify_sent_total",
      "Events delivered by a notifier.",
      NOTIFIERS.map((n) => ({ labels: { notifier: n }, value: snap.notify.sent[n] })),
    ),
    counter(
      "canopy_notify_failures_total",
      "Events a notifier could not deliver after every retry, or dropped because its queue was full; each is also in daemon.log.",
      NOTIFIERS.map((n) => ({ labels: { notifier: n }, value: snap.notify.failures[n] })),
    ),
  ];
}

function gauge(name: string, help: string, samples: Sample[]): MetricFamily {
  return { name, help, type: "gauge", samples };
}

function counter(name: string, help: string, samples: Sample[]): MetricFamily {
  return { name, help, type: "counter", samples };
}
