/** Validation of one `services.<name>` entry (pure: no file system access). */
import { resolve } from "node:path";
import type { RestartPolicy } from "../supervisor/types.ts";
import { parseCron } from "./cron.ts";
import { checkArgv, checkBool, checkDuration, checkEnum, checkInt, checkString, checkUnknownKeys, describe, isMapping, type Report } from "./checks.ts";
import { DEFAULTS, LIMITS } from "./defaults.ts";
import { checkLimits, checkMaxMemory, checkNice } from "./limits-schema.ts";
import { checkCgroupLimits } from "./cgroup-schema.ts";
import { SERVICE_NAME_RE, SERVICE_NAME_RULE } from "./names.ts";
import { defaultReadyProbe, validateProbe } from "./probe-schema.ts";
import { MAX_REPLICAS } from "./replicas.ts";
import { parseSignal } from "./signal.ts";
import type { ProbeConfig, ServiceConfig } from "./types.ts";

/** The keys a service may have. */
export const SERVICE_KEYS = [
  "cmd", "cwd", "env", "env_file", "port", "restart", "max_restarts",
  "restart_window", "restart_delay", "stop_signal", "stop_timeout", "autostart",
  "depends_on", "ready", "alive", "restart_max_delay", "restart_reset_after", "success_exit_codes", "min_uptime", "image",
  "reload_signal", "user", "group", "schedule", "max_memory", "nice", "limits", "replicas",
  "memory_max", "cpus", "pids_max",
] as const;

/** Restart policies accepted by `restart:`. */
export const RESTART_POLICIES: readonly RestartPolicy[] = ["always", "on-failure", "never"];

const ENV_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A validated service, plus the absolute `env_file` path still to be read and merged under `env`. */
export interface ValidatedService {
  service: ServiceConfig;
  envFile?: string;
}

/**
 * Validates `raw` as service `name` (relative paths against `dir`); reports problems and returns undefined if any.
 * `depends_on` is accepted but not read here (see service-set.ts): the result's `dependsOn` is empty.
 */
export function validateService(name: string, raw: unknown, dir: string, report: Report): ValidatedService | undefined {
  let ok = true;
  const note: Report = (field, message) => {
    ok = false;
    report(field, message);
  };
  if (!SERVICE_NAME_RE.test(name)) {
    note("", `invalid service name: must match ${SERVICE_NAME_RE.source} (${SERVICE_NAME_RULE})`);
  }
  if (!isMapping(raw)) {
    note("", `expected a mapping with at least cmd, got ${describe(raw)}`);
    return undefined;
  }
  checkUnknownKeys(raw, SERVICE_KEYS, "", note);

  const cmd = checkCmd(raw.cmd, note);
  const cwd = raw.cwd === undefined ? dir : optional(checkString(raw.cwd, "cwd", note), (p) => resolve(dir, p));
  const env = raw.env === undefined ? {} : checkEnv(raw.env, note);
  const envFile = raw.env_file === undefined ? undefined : optional(checkString(raw.env_file, "env_file", note), (p) => resolve(dir, p));
  const port = raw.port === undefined ? undefined : checkInt(raw.port, "port", 1, 65_535, note);
  const restart = raw.restart === undefined ? DEFAULTS.restart : checkEnum(raw.restart, "restart", RESTART_POLICIES, note);
  const maxRestarts = raw.max_restarts === undefined ? DEFAULTS.maxRestarts : checkInt(raw.max_restarts, "max_restarts", 1, LIMITS.maxRestarts, note);
  const restartWindowMs = checkDuration(raw.restart_window, "restart_window", 1, DEFAULTS.restartWindowMs, note);
  const restartDelayMs = checkDuration(raw.restart_delay, "restart_delay", 0, DEFAULTS.restartDelayMs, note);
  const restartMaxDelayMs = checkMaxDelay(raw.restart_max_delay, restartDelayMs, note);
  const restartResetAfterMs = checkDuration(raw.restart_reset_after, "restart_reset_after", 1, DEFAULTS.restartResetAfterMs, note);
  const stopTimeoutMs = checkDuration(raw.stop_timeout, "stop_timeout", 0, DEFAULTS.stopTimeoutMs, note);
  const stopSignal = raw.stop_signal === undefined ? DEFAULTS.stopSignal : checkSignal(raw.stop_signal, "stop_signal", note);
  const reloadSignal = raw.reload_signal === undefined ? undefined : checkSignal(raw.reload_signal, "reload_signal", note);
  const autostart = raw.autostart === undefined ? DEFAULTS.autostart : checkBool(raw.autostart, "autostart", note);
  const ready = raw.ready === undefined ? optional(port, defaultReadyProbe) : validateProbe(raw.ready, "ready", note);
  const alive = raw.alive === undefined ? undefined : validateProbe(raw.alive, "alive", note);
  const image = raw.image === undefined ? undefined : checkImage(raw.image, note);
  const successExitCodes = raw.success_exit_codes === undefined ? undefined : checkExitCodes(raw.success_exit_codes, note);
  const minUptimeMs = checkDuration(raw.min_uptime, "min_uptime", 0, 0, note);
  const user = raw.user === undefined ? undefined : checkAccount(raw.user, "user", note);
  const group = raw.group === undefined ? undefined : checkAccount(raw.group, "group", note);
  const schedule = raw.schedule === undefined ? undefined : checkSchedule(raw.schedule, note);
  if (schedule !== undefined && raw.restart !== undefined && raw.restart !== "never") {
    note("restart", "a scheduled service is never restarted (it runs again at its next tick); leave restart out or set it to never");
  }
  const maxMemoryBytes = raw.max_memory === undefined ? undefined : checkMaxMemory(raw.max_memory, note);
  const nice = raw.nice === undefined ? undefined : checkNice(raw.nice, note);
  const limits = raw.limits === undefined ? undefined : checkLimits(raw.limits, note);
  const replicas = raw.replicas === undefined ? 1 : checkReplicas(raw.replicas, port, schedule !== undefined, note);
  const cgroupLimits = checkCgroupLimits(raw, note);

  if (port !== undefined && env !== undefined && env.PORT !== undefined && env.PORT !== String(port)) {
    note("env.PORT", `conflicts with port: ${port}; set one of them`);
  }
  if (
    !ok || cmd === undefined || cwd === undefined || env === undefined || restart === undefined ||
    maxRestarts === undefined || restartWindowMs === undefined || restartDelayMs === undefined ||
    stopTimeoutMs === undefined || stopSignal === undefined || autostart === undefined ||
    restartMaxDelayMs === undefined || restartResetAfterMs === undefined || minUptimeMs === undefined || replicas === undefined
  ) {
    return undefined;
  }
  const service: ServiceConfig = {
    name, cmd, cwd,
    env: port === undefined ? env : { ...env, PORT: String(port) },
    ...(port === undefined ? {} : { port }),
    restart, maxRestarts, restartWindowMs, restartDelayMs, stopSignal, stopTimeoutMs, autostart,
    dependsOn: [],
    ...probes(ready, alive),
    restartMaxDelayMs, restartResetAfterMs,
    ...(image === undefined ? {} : { image }),
    ...(successExitCodes === undefined || Bun.deepEquals(successExitCodes, [0]) ? {} : { successExitCodes }),
    ...(minUptimeMs === 0 ? {} : { minUptimeMs }),
    ...(reloadSignal === undefined ? {} : { reloadSignal }),
    ...(user === undefined ? {} : { user }),
    ...(group === undefined ? {} : { group }),
    ...(schedule === undefined ? {} : { schedule }),
    ...(maxMemoryBytes === undefined ? {} : { maxMemoryBytes }),
    ...(nice === undefined ? {} : { nice }),
    ...(limits === undefined || Object.keys(limits).length === 0 ? {} : { limits }),
    ...(replicas === 1 ? {} : { replicas }),
    ...(cgroupLimits === undefined ? {} : { cgroupLimits }),
  };
  return envFile === undefined ? { service } : { service, envFile };
}

function optional<T, U>(value: T | undefined, map: (value: T) => U): U | undefined {
  return value === undefined ? undefined : map(value);
}

/** A string (run by /bin/sh -c) or a non-empty argv list of strings. */
function checkCmd(value: unknown, report: Report): string[] | undefined {
  if (value === undefined) {
    report("cmd", "missing; every service needs cmd: a command line or a list like [\"bun\", \"server.ts\"]");
    return undefined;
  }
  if (typeof value === "string") {
    const line = checkString(value, "cmd", report);
    return line === undefined ? undefined : ["/bin/sh", "-c", line];
  }
  if (!Array.isArray(value)) {
    report("cmd", `expected a command line or a list of strings, got ${describe(value)}`);
    return undefined;
  }
  return checkArgv(value, "cmd", report);
}

/** A mapping of variable names to strings, numbers or booleans (stringified). */
function checkEnv(value: unknown, report: Report): Record<string, string> | undefined {
  if (!isMapping(value)) {
    report("env", `expected a mapping of NAME: value, got ${describe(value)}`);
    return undefined;
  }
  const out = new Map<string, string>();
  let ok = true;
  for (const [key, v] of Object.entries(value)) {
    const field = `env.${key}`;
    if (!ENV_NAME_RE.test(key)) {
      report(field, "invalid variable name: use letters, digits and _, not starting with a digit");
      ok = false;
    } else if (typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v))) {
      const text = String(v);
      if (text.includes("\0")) {
        report(field, "must not contain a NUL byte");
        ok = false;
      } else out.set(key, text);
    } else {
      report(field, `expected a string, number or boolean, got ${describe(v)}${v === null ? ' (write "" for an empty value)' : ""}`);
      ok = false;
    }
  }
  return ok ? Object.fromEntries(out) : undefined;
}

/** A non-empty list of exit codes 0–255, each once, sorted. */
function checkExitCodes(value: unknown, report: Report): number[] | undefined {
  const ok = Array.isArray(value) && value.length > 0 && value.every((c) => Number.isInteger(c) && c >= 0 && c <= 255);
  if (!ok) {
    report("success_exit_codes", `expected a list of exit codes from 0 to 255 such as [0, 2], got ${describe(value)}`);
    return undefined;
  }
  return [...new Set(value as number[])].sort((a, b) => a - b);
}

/** `restart_max_delay`: at least `restart_delay`; when left out, 30s or `restart_delay` if that is longer. */
function checkMaxDelay(value: unknown, restartDelayMs: number | undefined, report: Report): number | undefined {
  const fallback = Math.max(DEFAULTS.restartMaxDelayMs, restartDelayMs ?? 0);
  const ms = checkDuration(value, "restart_max_delay", 0, fallback, report);
  if (ms === undefined || restartDelayMs === undefined || ms >= restartDelayMs) return ms;
  report("restart_max_delay", `must be at least restart_delay (${restartDelayMs}ms), got ${describe(value)}`);
  return undefined;
}

function probes(ready: ProbeConfig | undefined, alive: ProbeConfig | undefined): Pick<ServiceConfig, "ready" | "alive"> {
  return { ...(ready === undefined ? {} : { ready }), ...(alive === undefined ? {} : { alive }) };
}

/** `image:` (read only by `canopy export`): a non-empty container image reference without spaces. */
function checkImage(value: unknown, report: Report): string | undefined {
  const image = checkString(value, "image", report);
  if (image === undefined) return undefined;
  if (image === "" || /\s/.test(image)) {
    report("image", `expected a container image such as ghcr.io/me/api:1.2, got ${describe(value)}`);
    return undefined;
  }
  return image;
}

/** A user or group name, or a numeric id (resolved against the account files by disk-checks.ts). */
function checkAccount(value: unknown, field: "user" | "group", report: Report): string | number | undefined {
  if (typeof value === "number") return checkInt(value, field, 0, 4_294_967_294, report);
  if (typeof value === "string" && /^[A-Za-z0-9_.][A-Za-z0-9_.-]*\$?$/.test(value)) return value;
  report(field, `expected a ${field} name or a numeric id, got ${describe(value)}`);
  return undefined;
}

/** `schedule:` a cron expression (5 fields or a macro such as @daily). */
function checkSchedule(value: unknown, report: Report): string | undefined {
  const text = checkString(value, "schedule", report);
  if (text === undefined) return undefined;
  const cron = parseCron(text);
  if ("error" in cron) {
    report("schedule", `${cron.error} (e.g. "*/5 * * * *" or @daily)`);
    return undefined;
  }
  return cron.expression;
}

/**
 * `replicas:` a whole number of copies, 1 to MAX_REPLICAS; refused with `schedule:` (a cron job runs once per tick,
 * not N times), and when `port` + N - 1 would pass 65535.
 */
function checkReplicas(value: unknown, port: number | undefined, scheduled: boolean, report: Report): number | undefined {
  const n = checkInt(value, "replicas", 1, MAX_REPLICAS, report);
  if (n === undefined) return undefined;
  if (scheduled && n > 1) {
    report("replicas", "a scheduled service runs one process per tick; remove replicas or schedule");
    return undefined;
  }
  if (port !== undefined && port + n - 1 > 65_535) {
    report("replicas", `replica ${n} would get port ${port + n - 1}, past 65535; lower port or replicas`);
    return undefined;
  }
  return n;
}

function checkSignal(value: unknown, field: "stop_signal" | "reload_signal", report: Report): NodeJS.Signals | undefined {
  const signal = typeof value === "string" ? parseSignal(value) : undefined;
  const examples = field === "stop_signal" ? "SIGTERM, SIGINT or SIGQUIT" : "SIGHUP, SIGUSR1 or SIGUSR2";
  if (signal === undefined) report(field, `expected a signal name such as ${examples}, got ${describe(value)}`);
  return signal;
}
