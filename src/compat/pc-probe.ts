/** process-compose `readiness_probe` / `liveness_probe` → canopy `ready` / `alive` (pure). */
import { describe, isMapping } from "../config/checks.ts";
import { ignoreOthers, seconds, tracking, within, type ConvertReport } from "./convert-report.ts";

/** The probe keys read; `failure_threshold` only for liveness probes (a canopy ready probe retries until it passes). */
export const PC_PROBE_KEYS = ["exec", "http_get", "initial_delay_seconds", "period_seconds", "timeout_seconds", "failure_threshold"] as const;
const HTTP_GET_KEYS = ["host", "port", "path", "scheme"] as const;

/** Converts one probe (the report is already scoped to it); undefined when it has problems (already reported). */
export function convertProbe(value: unknown, liveness: boolean, outer: ConvertReport): Record<string, unknown> | undefined {
  const { report, failed } = tracking(outer);
  if (!isMapping(value)) {
    report.problem("", `expected a mapping with exec or http_get, got ${describe(value)}`);
    return undefined;
  }
  ignoreOthers(value, liveness ? PC_PROBE_KEYS : PC_PROBE_KEYS.filter((k) => k !== "failure_threshold"), report);
  const out: Record<string, unknown> = {};
  if (value.exec !== undefined) out.exec = execCommand(value.exec, within(report, "exec"));
  if (value.http_get !== undefined) out.http = httpUrl(value.http_get, within(report, "http_get"));
  const timing = [["period_seconds", "interval"], ["timeout_seconds", "timeout"], ["initial_delay_seconds", "initial_delay"]] as const;
  for (const [from, to] of timing) if (value[from] !== undefined) out[to] = seconds(value[from], from, report);
  if (liveness && value.failure_threshold !== undefined) out.failure_threshold = value.failure_threshold;
  return failed() ? undefined : out;
}

function execCommand(value: unknown, report: ConvertReport): unknown {
  if (!isMapping(value)) {
    report.problem("", `expected a mapping with command, got ${describe(value)}`);
    return undefined;
  }
  ignoreOthers(value, ["command"], report);
  if (value.command === undefined) report.problem("command", "missing; the command to run as the check");
  return value.command;
}

/** `{ host, port, path, scheme }` → `scheme://host:port/path` (host 127.0.0.1, path /, scheme http by default). */
function httpUrl(value: unknown, report: ConvertReport): string | undefined {
  if (!isMapping(value)) {
    report.problem("", `expected a mapping with host, port, path and scheme, got ${describe(value)}`);
    return undefined;
  }
  ignoreOthers(value, HTTP_GET_KEYS, report);
  const port = typeof value.port === "string" && /^\d+$/.test(value.port) ? Number(value.port) : value.port;
  const host = value.host ?? "127.0.0.1";
  const path = value.path ?? "/";
  const scheme = typeof value.scheme === "string" ? value.scheme.toLowerCase() : (value.scheme ?? "http");
  const portOk = typeof port === "number" && Number.isInteger(port) && port >= 1 && port <= 65_535;
  if (!portOk) report.problem("port", `expected a port from 1 to 65535, got ${describe(value.port)}`);
  const hostOk = typeof host === "string" && /^[^\s/?#@]+$/.test(host);
  if (!hostOk) report.problem("host", `expected a host name or address, got ${describe(host)}`);
  const pathOk = typeof path === "string" && !/\s/.test(path);
  if (!pathOk) report.problem("path", `expected a URL path such as /healthz, got ${describe(path)}`);
  const schemeOk = scheme === "http" || scheme === "https";
  if (!schemeOk) report.problem("scheme", `expected http or https, got ${describe(value.scheme)}`);
  if (!portOk || !hostOk || !pathOk || !schemeOk) return undefined;
  const hostPart = String(host).includes(":") ? `[${String(host)}]` : String(host);
  const pathPart = String(path).startsWith("/") ? String(path) : `/${String(path)}`;
  return `${scheme}://${hostPart}:${String(port)}${pathPart}`;
}
