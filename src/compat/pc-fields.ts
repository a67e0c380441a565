/** Canopy field names in a validation problem → the process-compose keys they were read from (pure). */
import type { ConfigProblem } from "../config/types.ts";

const SERVICE_FIELDS: Readonly<Record<string, string>> = {
  cmd: "command",
  cwd: "working_dir",
  env: "environment",
  restart: "availability.restart",
  max_restarts: "availability.max_restarts",
  restart_delay: "availability.backoff_seconds",
  restart_max_delay: "availability.backoff_seconds",
  stop_signal: "shutdown.signal",
  stop_timeout: "shutdown.timeout_seconds",
  autostart: "disabled",
  ready: "readiness_probe",
  alive: "liveness_probe",
};
const PROBE_FIELDS: Readonly<Record<string, string>> = {
  exec: "exec.command",
  http: "http_get",
  interval: "period_seconds",
  timeout: "timeout_seconds",
  initial_delay: "initial_delay_seconds",
};

/** `cmd[1]` → `command`, `env.A` → `environment.A`, `ready.interval` → `readiness_probe.period_seconds`; others kept. */
export function toProcessComposeField(field: string): string {
  const [head = "", ...rest] = field.split(".");
  const base = head.replace(/\[\d+\]$/, "");
  const mapped = SERVICE_FIELDS[base];
  if (mapped === undefined) return field;
  if (base === "cmd") return mapped;
  if ((base === "ready" || base === "alive") && rest.length > 0) {
    const [sub = "", ...more] = rest;
    const subBase = sub.replace(/\[\d+\]$/, "");
    return [mapped, PROBE_FIELDS[subBase] ?? sub, ...more].join(".");
  }
  return [mapped, ...rest].join(".");
}

/** The problem with its field renamed (see toProcessComposeField). */
export function toProcessComposeProblem(problem: ConfigProblem): ConfigProblem {
  return { ...problem, field: toProcessComposeField(problem.field) };
}
