/** A validated ServiceConfig → the settings to write for it in canopy.yaml: only what differs from the defaults (pure). */
import { accountEnv } from "../config/accounts.ts";
import { DEFAULTS } from "../config/defaults.ts";
import { defaultReadyProbe } from "../config/probe-schema.ts";
import type { Dependency, ProbeConfig, ServiceConfig } from "../config/types.ts";
import { LIMIT_NAMES, LIMIT_UNITS, type LimitName, type LimitValue, type ResourceLimits } from "../os/resource-limits.ts";
import { formatCommand, formatDuration, formatPath, formatSize } from "./raw-values.ts";

/** `svc`'s non-default keys, in the order the docs list them; `all` resolves default dependency conditions; `dir` is the config's folder. */
export function serviceToRaw(svc: ServiceConfig, all: ServiceConfig[], dir: string): Record<string, unknown> {
  const out: Record<string, unknown> = { cmd: formatCommand(svc.cmd) };
  if (svc.cwd !== dir) out.cwd = formatPath(svc.cwd, dir);
  const login = svc.runAs && accountEnv(svc.runAs);
  const env = Object.entries(svc.env).filter(
    ([k, v]) => !(k === "PORT" && svc.port !== undefined && v === String(svc.port)) && login?.[k] !== v,
  );
  if (env.length > 0) out.env = Object.fromEntries(env);
  if (svc.port !== undefined) out.port = svc.port;
  if (svc.replicas !== undefined) out.replicas = svc.replicas;
  if (svc.dependsOn.length > 0) out.depends_on = dependsOnToRaw(svc.dependsOn, all);
  if (svc.ready !== undefined && !isDefaultReady(svc)) out.ready = probeToRaw(svc.ready, "ready");
  if (svc.alive !== undefined) out.alive = probeToRaw(svc.alive, "alive");
  if (svc.restart !== DEFAULTS.restart) out.restart = svc.restart;
  if (svc.maxRestarts !== DEFAULTS.maxRestarts) out.max_restarts = svc.maxRestarts;
  const durations = [
    ["restart_window", svc.restartWindowMs, DEFAULTS.restartWindowMs],
    ["restart_delay", svc.restartDelayMs, DEFAULTS.restartDelayMs],
    ["restart_max_delay", svc.restartMaxDelayMs, Math.max(DEFAULTS.restartMaxDelayMs, svc.restartDelayMs)],
    ["restart_reset_after", svc.restartResetAfterMs, DEFAULTS.restartResetAfterMs],
  ] as const;
  for (const [key, ms, fallback] of durations) if (ms !== fallback) out[key] = formatDuration(ms);
  if (svc.stopSignal !== DEFAULTS.stopSignal) out.stop_signal = svc.stopSignal;
  if (svc.stopTimeoutMs !== DEFAULTS.stopTimeoutMs) out.stop_timeout = formatDuration(svc.stopTimeoutMs);
  if (svc.autostart !== DEFAULTS.autostart) out.autostart = svc.autostart;
  if (svc.image !== undefined) out.image = svc.image;
  if (svc.successExitCodes !== undefined) out.success_exit_codes = [...svc.successExitCodes];
  if (svc.minUptimeMs !== undefined) out.min_uptime = formatDuration(svc.minUptimeMs);
  if (svc.reloadSignal !== undefined) out.reload_signal = svc.reloadSignal;
  if (svc.user !== undefined) out.user = svc.user;
  if (svc.group !== undefined) out.group = svc.group;
  if (svc.maxMemoryBytes !== undefined) out.max_memory = formatSize(svc.maxMemoryBytes);
  if (svc.nice !== undefined) out.nice = svc.nice;
  if (svc.limits !== undefined) out.limits = limitsToRaw(svc.limits);
  if (svc.cgroupLimits?.memoryMaxBytes !== undefined) out.memory_max = formatSize(svc.cgroupLimits.memoryMaxBytes);
  if (svc.cgroupLimits?.cpus !== undefined) out.cpus = svc.cgroupLimits.cpus;
  if (svc.cgroupLimits?.pidsMax !== undefined) out.pids_max = svc.cgroupLimits.pidsMax;
  return out;
}

/** Each limit as one value when soft and hard agree, else `{soft, hard}`; sizes and seconds as written. */
function limitsToRaw(limits: ResourceLimits): Record<string, unknown> {
  const show = (name: LimitName, v: LimitValue) => (v === "unlimited" || LIMIT_UNITS[name] !== "bytes" ? v : formatSize(v));
  const out: Record<string, unknown> = {};
  for (const name of LIMIT_NAMES) {
    const { soft, hard } = limits[name] ?? {};
    if (soft === undefined && hard === undefined) continue;
    out[name] = soft !== undefined && soft === hard ? show(name, soft)
      : { ...(soft === undefined ? {} : { soft: show(name, soft) }), ...(hard === undefined ? {} : { hard: show(name, hard) }) };
  }
  return out;
}

/** A probe's check and its non-default options. */
export function probeToRaw(probe: ProbeConfig, role: "ready" | "alive"): Record<string, unknown> {
  const check = probe.check;
  const out: Record<string, unknown> =
    check.kind === "tcp" ? { tcp: check.port }
    : check.kind === "http" ? { http: check.url }
    : check.kind === "exec" ? { exec: formatCommand(check.cmd) }
    : check.kind === "log" ? { log: check.pattern }
    : { notify: true };
  const interval = role === "ready" ? DEFAULTS.readyIntervalMs : DEFAULTS.aliveIntervalMs;
  if (probe.intervalMs !== interval) out.interval = formatDuration(probe.intervalMs);
  if (probe.timeoutMs !== DEFAULTS.probeTimeoutMs) out.timeout = formatDuration(probe.timeoutMs);
  if (probe.initialDelayMs !== DEFAULTS.probeInitialDelayMs) out.initial_delay = formatDuration(probe.initialDelayMs);
  if (role === "alive" && probe.failureThreshold !== DEFAULTS.aliveFailureThreshold) out.failure_threshold = probe.failureThreshold;
  return out;
}

/** A list of names when every condition is the default one, else name → { condition }. */
function dependsOnToRaw(deps: Dependency[], all: ServiceConfig[]): string[] | Record<string, unknown> {
  const byDefault = (d: Dependency) => d.condition === (all.find((s) => s.name === d.service)?.ready === undefined ? "started" : "healthy");
  if (deps.every(byDefault)) return deps.map((d) => d.service);
  return Object.fromEntries(deps.map((d) => [d.service, { condition: d.condition }]));
}

function isDefaultReady(svc: ServiceConfig): boolean {
  return svc.port !== undefined && Bun.deepEquals(svc.ready, defaultReadyProbe(svc.port));
}
