/** The daemon's side of the control API: a DaemonControl over the orchestrator, the supervisor and the config. */
import type { DaemonControl } from "../api/control.ts";
import {
  type DaemonInfo,
  type EventEntry,
  type LogEntry,
  type ReloadResult,
  type ServiceReloadResult,
  type ServiceResult,
  type ServiceView,
  toServiceView,
} from "../api/wire.ts";
import type { CanopyConfig, ServiceConfig } from "../config/index.ts";
import { belongsTo, scaleProblem } from "../config/replicas.ts";
import { CanopyError } from "../errors.ts";
import type { Orchestrator } from "../orchestration/orchestrator.ts";
import type { Scheduler } from "../orchestration/scheduler.ts";
import type { Supervisor } from "../supervisor.ts";
import type { Broadcast } from "./broadcast.ts";
import type { LogItem } from "./log-run.ts";
import { buildFamilies } from "../metrics/families.ts";
import { renderPrometheus } from "../metrics/prometheus.ts";
import type { ServiceCounters } from "../metrics/service-counters.ts";
import type { Notifier } from "../notify/notifier.ts";
import { takeMetricsSnapshot } from "./metrics-snapshot.ts";
import { queryLogFiles } from "../logs/query.ts";
import type { ResourceSampler } from "./resources.ts";
import type { KernelSample, KernelUsage } from "./kernel-usage.ts";

export interface ControlDeps {
  config: () => CanopyConfig;
  supervisor: Supervisor;
  orchestrator: Orchestrator;
  logs: Broadcast<LogItem>;
  events: Broadcast<EventEntry>;
  resources: ResourceSampler;
  /** cgroup mode: CPU (and memory, with the memory controller) from each service's cgroup instead of the process-group walk. */
  kernelUsage?: KernelUsage;
  logDir: string;
  info: DaemonInfo;
  reload: (dryRun: boolean) => Promise<ReloadResult>;
  shutdown: () => Promise<void>;
  counters: ServiceCounters;
  notifier: Notifier;
  /** The schedules of `schedule:` services (their next tick and last run). */
  scheduler?: Scheduler;
}

/** Builds the DaemonControl the HTTP handler drives. */
export function createControl(deps: ControlDeps): DaemonControl {
  const { supervisor, orchestrator } = deps;
  /** The processes a name stands for: a service's replicas (one for a plain service), or one replica. */
  const find = (name: string) => orchestrator.resolve(name);
  const view = (svc: ServiceConfig): ServiceView => {
    const state = supervisor.get(svc.name) ?? {
      short: svc.name,
      status: "stopped" as const,
      restartsInWindow: 0,
      ready: false,
      cmd: svc.cmd,
      port: svc.port,
    };
    const v = toServiceView(state, svc.autostart);
    const schedule = deps.scheduler?.view(svc.name);
    if (schedule) v.schedule = schedule;
    if (svc.runAs) v.user = { name: svc.runAs.user, uid: svc.runAs.uid, group: svc.runAs.group, gid: svc.runAs.gid };
    if (svc.replica) v.replica = { service: svc.replica.of, index: svc.replica.index };
    const hold = orchestrator.hold(svc.name);
    if (hold && state.pid === undefined) {
      v.status = hold.status;
      v.start_error = hold.startError ?? null;
      if (hold.waitingFor) v.waiting_for = hold.waitingFor;
    }
    return v;
  };
  const views = (services: readonly ServiceConfig[], withUsage = true): ServiceView[] => {
    const list = services.map(view);
    if (!withUsage) return list;
    const kernel = new Map<string, KernelSample>();
    for (const v of list) {
      const k = v.pid === null ? undefined : deps.kernelUsage?.sample(v.name, v.started_at === null ? undefined : Date.parse(v.started_at));
      if (k) kernel.set(v.name, k);
    }
    // The walk of /proc (every process on the machine) only for the groups their cgroup did not measure.
    const usage = deps.resources.sample(list.flatMap((v) => (v.pid === null || kernel.get(v.name)?.memoryBytes !== undefined ? [] : [v.pid])));
    for (const v of list) {
      const u = v.pid === null ? undefined : usage.get(v.pid);
      if (u) {
        v.cpu_percent = u.cpuPercent;
        v.memory_bytes = u.memoryBytes;
      }
      const k = kernel.get(v.name);
      if (k) {
        v.cpu_percent = k.cpuPercent;
        if (k.memoryBytes !== undefined) v.memory_bytes = k.memoryBytes;
      }
    }
    return list;
  };
  /** A plain service's (or one replica's) view; a GroupView of every replica for a service with replicas. */
  const result = (name: string, withUsage = false): ServiceResult | undefined => {
    const procs = find(name);
    if (procs.length === 0) return undefined;
    const list = views(procs, withUsage);
    return list.length === 1 && list[0]?.name === name ? list[0] : { name, services: list };
  };
  const act = async (name: string, action: (n: string) => Promise<void>): Promise<ServiceResult | undefined> => {
    if (find(name).length === 0) return undefined;
    await action(name);
    return result(name);
  };
  const reloadOne = async (svc: ServiceConfig): Promise<ServiceReloadResult> => {
    const signal = svc.reloadSignal;
    if (signal !== undefined && supervisor.signal(svc.name, signal) !== undefined) return { action: "signal", signal, service: view(svc) };
    await orchestrator.restart(svc.name);
    return { action: "restart", signal: null, service: view(svc) };
  };
  return {
    info: () => deps.info,
    list: (usage) => views(orchestrator.instances(), usage),
    get: (name, usage = true) => result(name, usage),
    start: (name) => act(name, (n) => orchestrator.start(n)),
    stop: (name) => act(name, (n) => orchestrator.stop(n)),
    restart: (name) => act(name, (n) => orchestrator.restart(n)),
    restartRolling: async (name) => {
      if (find(name).length === 0) return undefined;
      const rolling = await orchestrator.restartRolling(name);
      return { name, services: views(find(name), false), restarted: rolling.restarted, failed: rolling.failed ?? null };
    },
    scale: async (name, count) => {
      if (find(name).length === 0) return undefined;
      const problem = scaleProblem(orchestrator.services, name, count, (s) => orchestrator.countOf(s));
      if (problem !== undefined) throw new CanopyError("bad_request", `cannot scale ${name} to ${count}: ${problem}`, { service: name, field: "replicas" });
      const plan = await orchestrator.scale(name, count);
      if (!plan) throw new CanopyError("bad_request", `scale takes a service's name, not one replica's: canopy scale ${name.replace(/\.\d+$/, "")}=${count}`, { service: name });
      return { name, services: views(find(name), false), from: plan.from, to: plan.to, stopped: plan.stop, started: plan.start };
    },
    signal: async (name, signal) => {
      const procs = find(name);
      if (procs.length === 0) return undefined;
      const sent = procs.filter((p) => supervisor.signal(p.name, signal) !== undefined);
      if (sent.length === 0) {
        throw new CanopyError("not_running", `${name} is not running: no process group to send ${signal} to`, { service: name });
      }
      return result(name);
    },
    reloadService: async (name) => {
      const procs = find(name);
      if (procs.length === 0) return undefined;
      const results = await Promise.all(procs.map(reloadOne));
      return results.length === 1 && procs[0]?.name === name ? results[0] : { name, results };
    },
    all: async (action) => {
      const services = orchestrator.services;
      // A restart of everything is a stop of everything (dependents first) and a start in
      // dependency order: restarting each in place would bring dependents back before what they need.
      if (action === "stop" || action === "restart") await orchestrator.stopAll();
      if (action !== "stop") await Promise.all(services.map((s) => orchestrator.start(s.name)));
      return views(orchestrator.instances());
    },
    logs: (name, tail) => {
      const procs = find(name);
      if (procs.length === 0) return undefined;
      return queryLogFiles(deps.logDir, { services: procs.map((p) => p.name), filter: {}, tail }).map((r) => ({
        service: r.service,
        stream: r.stream,
        text: r.line,
        at: r.ts,
      }));
    },
    subscribe: (services, onEntry, onEnd) => {
      return deps.logs.subscribe((entry) => {
        if (!services || services.some((q) => belongsTo(entry.service, q))) onEntry(entry);
      }, onEnd);
    },
    events: (tail) => deps.events.tail(tail),
    subscribeEvents: (onEntry, onEnd) => deps.events.subscribe(onEntry, onEnd),
    droppedLines: (service, n) => deps.counters.dropped(service, n),
    metrics: () =>
      renderPrometheus(
        buildFamilies(
          takeMetricsSnapshot({
            info: deps.info,
            views: () => views(orchestrator.instances(), false),
            counters: deps.counters,
            notify: () => deps.notifier.counts(),
            ...(deps.kernelUsage ? { kernelUsage: deps.kernelUsage } : {}),
          }),
        ),
      ),
    notifyTest: async () => {
      const config = deps.config();
      if (!config.notify) {
        throw new CanopyError("bad_request", `no notify: in ${config.file}; add notify: with a command and/or a webhook, then reload`, {
          field: "notify",
        });
      }
      const event = deps.notifier.sample();
      return { event: { ...event }, results: await deps.notifier.test(event) };
    },
    reload: deps.reload,
    shutdown: deps.shutdown,
  };
}

