/** Validation of a service's `ready:` / `alive:` probe (pure). */
import { checkArgv, checkDuration, checkInt, checkString, checkUnknownKeys, describe, isMapping, type Report } from "./checks.ts";
import { DEFAULTS, LIMITS } from "./defaults.ts";
import type { ProbeCheck, ProbeConfig } from "./types.ts";

/** Which probe is being read: `ready` gates dependents, `alive` restarts a hung service. */
export type ProbeRole = "ready" | "alive";

/** The check kinds, exactly one of which a probe names. */
export const PROBE_CHECK_KEYS = ["tcp", "http", "exec", "log", "notify"] as const;
/** The keys a `ready:` probe may have. */
export const READY_KEYS = [...PROBE_CHECK_KEYS, "interval", "timeout", "initial_delay"] as const;
/** The keys an `alive:` probe may have (no `notify`: READY=1 is sent once). */
export const ALIVE_KEYS = ["tcp", "http", "exec", "log", "interval", "timeout", "initial_delay", "failure_threshold"] as const;

/** The ready probe used when a service sets `port` but no `ready:`: a TCP connect to that port. */
export function defaultReadyProbe(port: number): ProbeConfig {
  return {
    check: { kind: "tcp", port },
    intervalMs: DEFAULTS.readyIntervalMs,
    timeoutMs: DEFAULTS.probeTimeoutMs,
    initialDelayMs: DEFAULTS.probeInitialDelayMs,
    failureThreshold: DEFAULTS.readyFailureThreshold,
  };
}

/** Validates `raw` as the `role` probe; reports under `role.<key>` and returns undefined on any problem. */
export function validateProbe(raw: unknown, role: ProbeRole, report: Report): ProbeConfig | undefined {
  let ok = true;
  const note: Report = (field, message) => {
    ok = false;
    report(field, message);
  };
  if (!isMapping(raw)) {
    note(role, `expected a mapping with one of ${checkKeys(role).join(", ")} (and optionally interval, timeout…), got ${describe(raw)}`);
    return undefined;
  }
  reportUnknownKeys(raw, role, note);
  const check = checkOf(raw, role, note);
  const intervalMs = checkDuration(raw.interval, `${role}.interval`, 1, role === "ready" ? DEFAULTS.readyIntervalMs : DEFAULTS.aliveIntervalMs, note);
  const timeoutMs = checkDuration(raw.timeout, `${role}.timeout`, 1, DEFAULTS.probeTimeoutMs, note);
  const initialDelayMs = checkDuration(raw.initial_delay, `${role}.initial_delay`, 0, DEFAULTS.probeInitialDelayMs, note);
  const failureThreshold =
    role === "ready" || raw.failure_threshold === undefined
      ? role === "ready" ? DEFAULTS.readyFailureThreshold : DEFAULTS.aliveFailureThreshold
      : checkInt(raw.failure_threshold, "alive.failure_threshold", 1, LIMITS.maxFailureThreshold, note);
  if (!ok || check === undefined || intervalMs === undefined || timeoutMs === undefined || initialDelayMs === undefined || failureThreshold === undefined) {
    return undefined;
  }
  return { check, intervalMs, timeoutMs, initialDelayMs, failureThreshold };
}

type CheckKey = (typeof PROBE_CHECK_KEYS)[number];

function checkKeys(role: ProbeRole): readonly CheckKey[] {
  return role === "ready" ? PROBE_CHECK_KEYS : PROBE_CHECK_KEYS.filter((k) => k !== "notify");
}

/** Unknown keys, with a plain reason for the two that belong to the other role. */
function reportUnknownKeys(raw: Record<string, unknown>, role: ProbeRole, report: Report): void {
  if (role === "ready" && raw.failure_threshold !== undefined) {
    report("ready.failure_threshold", "only alive probes have failure_threshold; a ready probe keeps trying until it passes");
  }
  if (role === "alive" && raw.notify !== undefined) report("alive.notify", "notify is for ready probes only (READY=1 is sent once)");
  const rest = Object.fromEntries(Object.entries(raw).filter(([k]) => k !== "failure_threshold" && k !== "notify"));
  checkUnknownKeys(rest, role === "ready" ? READY_KEYS : ALIVE_KEYS, `${role}.`, report);
}

/** The one check the probe names. */
function checkOf(raw: Record<string, unknown>, role: ProbeRole, report: Report): ProbeCheck | undefined {
  const kinds = checkKeys(role).filter((k) => raw[k] !== undefined);
  const [kind, second] = kinds;
  if (kind === undefined) {
    if (role === "ready" || raw.notify === undefined) report(role, `needs one check: ${checkKeys(role).join(", ")}`);
    return undefined;
  }
  if (second !== undefined) {
    report(role, `names ${kinds.join(" and ")}; give exactly one check`);
    return undefined;
  }
  return checkValue(kind, raw[kind], `${role}.${kind}`, report);
}

function checkValue(kind: CheckKey, value: unknown, field: string, report: Report): ProbeCheck | undefined {
  switch (kind) {
    case "tcp": {
      const port = checkInt(value, field, 1, 65_535, report);
      return port === undefined ? undefined : { kind, port };
    }
    case "http": {
      const url = checkUrl(value, field, report);
      return url === undefined ? undefined : { kind, url };
    }
    case "exec": {
      const cmd = checkExec(value, field, report);
      return cmd === undefined ? undefined : { kind, cmd };
    }
    case "log": {
      const pattern = checkRegExp(value, field, report);
      return pattern === undefined ? undefined : { kind, pattern };
    }
    case "notify":
      if (value === true) return { kind };
      report(field, `expected true (READY=1 over NOTIFY_SOCKET), got ${describe(value)}`);
      return undefined;
  }
}

function checkUrl(value: unknown, field: string, report: Report): string | undefined {
  const text = checkString(value, field, report);
  if (text === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:") || url.hostname === "") {
    report(field, `expected an http:// or https:// URL such as http://127.0.0.1:8080/healthz, got ${describe(value)}`);
    return undefined;
  }
  return text;
}

function checkExec(value: unknown, field: string, report: Report): string[] | undefined {
  if (typeof value === "string") {
    const line = checkString(value, field, report);
    return line === undefined ? undefined : ["/bin/sh", "-c", line];
  }
  if (Array.isArray(value)) return checkArgv(value, field, report);
  report(field, `expected a command line or a list of strings, got ${describe(value)}`);
  return undefined;
}

function checkRegExp(value: unknown, field: string, report: Report): string | undefined {
  const pattern = checkString(value, field, report);
  if (pattern === undefined) return undefined;
  try {
    new RegExp(pattern);
  } catch (err) {
    report(field, `not a valid regular expression: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
  return pattern;
}
