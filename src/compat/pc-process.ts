/** One process-compose `processes.<name>` entry → a canopy service's raw settings (pure). */
import { constants } from "node:os";
import { describe, isMapping } from "../config/checks.ts";
import { convertProbe } from "./pc-probe.ts";
import { ignoreOthers, seconds, within, type ConvertReport } from "./convert-report.ts";

/** The per-process keys read; everything else is named in the warning. */
export const PC_PROCESS_KEYS = [
  "command", "working_dir", "environment", "depends_on", "readiness_probe", "liveness_probe", "availability", "shutdown", "disabled",
  "description", "replicas", "log_location", "ready_log_line",
] as const;

/** `availability.restart` → canopy `restart`. */
export const PC_RESTART: Readonly<Record<string, string>> = { always: "always", on_failure: "on-failure", exit_on_failure: "on-failure", no: "never" };
/** `depends_on.<name>.condition` → canopy condition. */
export const PC_CONDITIONS: Readonly<Record<string, string>> = {
  process_started: "started",
  process_healthy: "healthy",
  process_completed_successfully: "completed",
  process_completed: "completed",
  process_log_ready: "healthy",
};
/** process-compose waits this long between restarts when `backoff_seconds` is left out. */
const PC_DEFAULT_BACKOFF = "1s";

/** Converts `value`; the report's fields are relative to the process. Undefined when it is not a mapping. */
export function convertProcess(value: unknown, report: ConvertReport, sharedEnv: Record<string, string> = {}): Record<string, unknown> | undefined {
  if (!isMapping(value)) {
    report.problem("", `expected a mapping with at least command, got ${describe(value)}`);
    return undefined;
  }
  ignoreOthers(value, PC_PROCESS_KEYS, report);
  const out: Record<string, unknown> = {};
  if (value.command !== undefined) out.cmd = value.command;
  if (value.working_dir !== undefined) out.cwd = value.working_dir;
  const own = value.environment === undefined ? {} : environment(value.environment, report);
  if (own !== undefined && Object.keys(sharedEnv).length + Object.keys(own).length > 0) out.env = { ...sharedEnv, ...own };
  if (value.depends_on !== undefined) out.depends_on = dependsOn(value.depends_on, within(report, "depends_on"));
  if (value.readiness_probe !== undefined) out.ready = convertProbe(value.readiness_probe, false, within(report, "readiness_probe"));
  else if (typeof value.ready_log_line === "string" && value.ready_log_line !== "") out.ready = { log: escapeRegExp(value.ready_log_line) };
  else if (value.ready_log_line !== undefined) report.problem("ready_log_line", `expected the text of a line, got ${describe(value.ready_log_line)}`);
  if (value.readiness_probe !== undefined && value.ready_log_line !== undefined) report.note("ready_log_line", "ignored: readiness_probe is set too");
  if (value.liveness_probe !== undefined) out.alive = convertProbe(value.liveness_probe, true, within(report, "liveness_probe"));
  Object.assign(out, availability(value.availability, within(report, "availability")));
  if (value.shutdown !== undefined) Object.assign(out, shutdown(value.shutdown, within(report, "shutdown")));
  if (typeof value.replicas === "number" && Number.isInteger(value.replicas) && value.replicas > 1) out.replicas = value.replicas;
  else if (value.replicas !== undefined && value.replicas !== 1) report.problem("replicas", `expected a whole number of at least 1, got ${describe(value.replicas)}`);
  if (value.log_location !== undefined) report.note("log_location", PC_LOG_NOTE);
  if (value.disabled === true) out.autostart = false;
  else if (value.disabled !== undefined && value.disabled !== false) report.problem("disabled", `expected true or false, got ${describe(value.disabled)}`);
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined));
}

/** `text` matched literally anywhere in a line, as process-compose matches `ready_log_line`. */
function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Why `log_location` is not used. */
export const PC_LOG_NOTE = "ignored: canopy writes each process's output to logs/<name>.log in its state folder (see `canopy logs`)";

/** A list of `KEY=VALUE` strings → a mapping (`field` names it in problems: `environment`). */
export function environment(value: unknown, report: ConvertReport): Record<string, string> | undefined {
  if (!Array.isArray(value)) {
    report.problem("environment", `expected a list of KEY=VALUE strings, got ${describe(value)}`);
    return undefined;
  }
  const env = new Map<string, string>();
  value.forEach((item: unknown, i) => {
    const eq = typeof item === "string" ? item.indexOf("=") : -1;
    if (typeof item !== "string" || eq <= 0) report.problem(`environment[${i}]`, `expected KEY=VALUE, got ${describe(item)}`);
    else env.set(item.slice(0, eq), item.slice(eq + 1));
  });
  return Object.fromEntries(env);
}

/** `{ other: { condition: process_… } }` → `{ other: { condition: … } }`; a left-out condition means started. */
function dependsOn(value: unknown, report: ConvertReport): Record<string, unknown> | undefined {
  if (!isMapping(value)) {
    report.problem("", `expected a mapping of process name to { condition }, got ${describe(value)}`);
    return undefined;
  }
  const out = new Map<string, unknown>();
  for (const [name, dep] of Object.entries(value)) {
    const at = within(report, name);
    if (dep !== null && !isMapping(dep)) {
      at.problem("", `expected { condition: ${Object.keys(PC_CONDITIONS).join(" | ")} }, got ${describe(dep)}`);
      continue;
    }
    if (isMapping(dep)) ignoreOthers(dep, ["condition"], at);
    const written = isMapping(dep) && dep.condition !== undefined ? dep.condition : "process_started";
    const condition = typeof written === "string" ? PC_CONDITIONS[written] : undefined;
    if (condition === undefined) at.problem("condition", `expected one of ${Object.keys(PC_CONDITIONS).join(", ")}, got ${describe(written)}`);
    else out.set(name, { condition });
    if (written === "process_completed") at.note("condition", "process_completed read as completed, which waits for a clean exit (code 0)");
  }
  return Object.fromEntries(out);
}

/**
 * `availability` → restart (process-compose's default: no → never), max_restarts, and restart_delay (default 1s)
 * with restart_max_delay the same: process-compose waits backoff_seconds every time, it does not double.
 */
function availability(value: unknown, report: ConvertReport): Record<string, unknown> {
  if (value === undefined) return { restart: "never", restart_delay: PC_DEFAULT_BACKOFF, restart_max_delay: PC_DEFAULT_BACKOFF };
  if (!isMapping(value)) {
    report.problem("", `expected a mapping with restart, backoff_seconds and max_restarts, got ${describe(value)}`);
    return {};
  }
  ignoreOthers(value, ["restart", "backoff_seconds", "max_restarts", "exit_on_end"], report);
  if (value.exit_on_end === true) report.note("exit_on_end", "ignored: canopy keeps the other processes running when this one ends (stop them with `canopy down`)");
  const written = value.restart ?? "no";
  const restart = typeof written === "string" ? PC_RESTART[written] : undefined;
  if (restart === undefined) report.problem("restart", `expected one of ${Object.keys(PC_RESTART).join(", ")}, got ${describe(written)}`);
  if (written === "exit_on_failure") report.note("restart", "exit_on_failure read as on-failure: canopy restarts the process but does not shut the others down");
  const delay = value.backoff_seconds === undefined ? PC_DEFAULT_BACKOFF : seconds(value.backoff_seconds, "backoff_seconds", report);
  const max = value.max_restarts;
  if (max === 0) report.note("max_restarts", "0 (unlimited) read as canopy's default limit (5 restarts within 60s)");
  return { restart, restart_delay: delay, restart_max_delay: delay, ...(max === 0 || max === undefined ? {} : { max_restarts: max }) };
}

/** `shutdown` → stop_signal (a number becomes its name) and stop_timeout. */
function shutdown(value: unknown, report: ConvertReport): Record<string, unknown> {
  if (!isMapping(value)) {
    report.problem("", `expected a mapping with signal and timeout_seconds, got ${describe(value)}`);
    return {};
  }
  ignoreOthers(value, ["signal", "timeout_seconds", "command"], report);
  if (value.command !== undefined) report.note("command", "not run: canopy stops the process with shutdown.signal (SIGTERM by default), then SIGKILL after timeout_seconds");
  const out: Record<string, unknown> = {};
  if (typeof value.signal === "number") {
    const name = Object.entries(constants.signals).find(([, n]) => n === value.signal)?.[0];
    if (name === undefined) report.problem("signal", `no signal has the number ${value.signal}`);
    out.stop_signal = name;
  } else if (value.signal !== undefined) out.stop_signal = value.signal;
  if (value.timeout_seconds !== undefined) out.stop_timeout = seconds(value.timeout_seconds, "timeout_seconds", report);
  return out;
}
