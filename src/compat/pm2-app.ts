/** One PM2 app (`apps[i]` of an ecosystem file) → a canopy service's raw settings (pure). */
import { basename, extname } from "node:path";
import { describe, isMapping } from "../config/checks.ts";
import { MAX_REPLICAS } from "../config/replicas.ts";
import type { ConvertReport } from "./convert-report.ts";
import { splitWords } from "./shell-words.ts";

/** The app keys read (aliases included); every other one is named in the warning. */
export const PM2_APP_KEYS = [
  "name", "script", "args", "interpreter", "exec_interpreter", "interpreter_args", "node_args", "cwd", "env",
  "instances", "exec_mode", "autorestart", "max_restarts", "min_uptime", "restart_delay", "exp_backoff_restart_delay",
  "kill_timeout", "stop_exit_codes",
] as const;

/** Keys PM2 acts on that canopy cannot, each with why; named in the warning. */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  max_memory_restart: "canopy has no memory limit yet",
  cron_restart: "canopy has no scheduled restarts yet",
  wait_ready: "canopy has no IPC ready message; give the service a ready: probe (http, tcp or log) instead",
  listen_timeout: "goes with wait_ready, which canopy does not have",
  watch: "canopy does not restart on file changes",
  out_file: "canopy writes each service's output to its own log file (see `canopy logs`)",
  error_file: "canopy writes each service's output to its own log file (see `canopy logs`)",
  log_file: "canopy writes each service's output to its own log file (see `canopy logs`)",
};

/** PM2's default interpreter by the script's extension; `none` runs the script itself. */
const INTERPRETER_BY_EXT: Readonly<Record<string, string>> = {
  ".js": "node", ".cjs": "node", ".mjs": "node", ".py": "python3", ".sh": "bash", ".rb": "ruby", ".php": "php", ".pl": "perl",
};

/** PM2 waits this long for an app to stop before SIGKILL when `kill_timeout` is left out. */
const PM2_KILL_TIMEOUT_MS = 1600;
/** PM2 gives up on an app after this many unstable restarts when `max_restarts` is left out. */
const PM2_MAX_RESTARTS = 16;
/** PM2's exponential backoff stops growing at this delay. */
const PM2_BACKOFF_MAX_MS = 15_000;

/** The app's name (PM2's default: the script's file name without its extension), or undefined when it has none. */
export function pm2AppName(app: Record<string, unknown>): string | undefined {
  if (typeof app.name === "string") return app.name;
  if (typeof app.script !== "string") return undefined;
  return basename(app.script, extname(app.script));
}

/** Converts `app` with `envName`'s `env_<name>` laid over `env` (as `pm2 start --env <name>`). */
export function convertApp(app: Record<string, unknown>, envName: string | undefined, report: ConvertReport): Record<string, unknown> {
  const replicas = instances(app, report);
  for (const key of Object.keys(app)) {
    if ((PM2_APP_KEYS as readonly string[]).includes(key) || key.startsWith("env_")) continue;
    const why = UNSUPPORTED[key];
    if (why !== undefined) report.note(key, `ignored: ${why}`);
    else report.ignore(key);
  }
  const out: Record<string, unknown> = {};
  const cmd = command(app, report);
  if (cmd !== undefined) out.cmd = cmd;
  if (app.cwd !== undefined) out.cwd = app.cwd;
  const env = environment(app, envName, report);
  if (env !== undefined) out.env = env;
  Object.assign(out, restarts(app, report));
  if (replicas !== undefined) out.replicas = replicas;
  out.stop_timeout = app.kill_timeout ?? PM2_KILL_TIMEOUT_MS;
  return out;
}

/** interpreter [interpreter_args] script [args]; `interpreter: none` (or a script PM2 would not interpret) runs the script itself. */
function command(app: Record<string, unknown>, report: ConvertReport): string[] | undefined {
  if (typeof app.script !== "string" || app.script.trim() === "") {
    report.problem("script", `missing; the file (or program) PM2 would start, got ${describe(app.script)}`);
    return undefined;
  }
  const args = words(app.args, "args", report);
  const interpreterArgs = words(app.interpreter_args ?? app.node_args, app.interpreter_args !== undefined ? "interpreter_args" : "node_args", report);
  const written = app.interpreter ?? app.exec_interpreter;
  if (written !== undefined && typeof written !== "string") {
    report.problem("interpreter", `expected a program such as node, bun or python3 (or none), got ${describe(written)}`);
    return undefined;
  }
  const interpreter = written ?? INTERPRETER_BY_EXT[extname(app.script).toLowerCase()] ?? "none";
  if (args === undefined || interpreterArgs === undefined) return undefined;
  return interpreter === "none" ? [app.script, ...args] : [interpreter, ...interpreterArgs, app.script, ...args];
}

/** A string split as a shell would (no shell runs it), or a list of strings. */
function words(value: unknown, field: string, report: ConvertReport): string[] | undefined {
  if (value === undefined) return [];
  if (Array.isArray(value) && value.every((v) => typeof v === "string" || typeof v === "number")) return value.map(String);
  if (typeof value === "string") {
    const split = splitWords(value);
    if (typeof split !== "string") return split;
    report.problem(field, `cannot be split into arguments: ${split}`);
    return undefined;
  }
  report.problem(field, `expected a string or a list of strings, got ${describe(value)}`);
  return undefined;
}

/** `env`, with `env_<name>` over it when `--env <name>` chose one. */
function environment(app: Record<string, unknown>, envName: string | undefined, report: ConvertReport): Record<string, unknown> | undefined {
  const chosen = envName === undefined ? undefined : `env_${envName}`;
  const layers = [app.env, chosen === undefined ? undefined : app[chosen]];
  const merged: Record<string, unknown> = {};
  layers.forEach((layer, i) => {
    if (layer === undefined) return;
    if (!isMapping(layer)) report.problem(i === 0 ? "env" : (chosen as string), `expected a mapping of NAME: value, got ${describe(layer)}`);
    else Object.assign(merged, layer);
  });
  return Object.keys(merged).length === 0 ? undefined : merged;
}

/**
 * `instances: N` → `replicas: N` (each copy gets CANOPY_REPLICA; PM2's NODE_APP_INSTANCE counts from 0). `max`, 0 and -1
 * (one per CPU, or all but one) read as the CPUs of the machine converting, said in the warning. Cluster mode has no
 * equivalent: the copies are separate processes, each needing its own port (`port:` gives them P, P+1, …).
 */
function instances(app: Record<string, unknown>, report: ConvertReport): number | undefined {
  const n = app.instances;
  const cpus = navigator.hardwareConcurrency;
  let count: number | undefined;
  if (n === "max" || n === 0 || n === "0") {
    count = cpus;
    report.note("instances", `${JSON.stringify(n)} read as replicas: ${count} (the CPUs of the machine converting)`);
  } else if (n === -1 || n === "-1") {
    count = Math.max(1, cpus - 1);
    report.note("instances", `${JSON.stringify(n)} read as replicas: ${count} (the CPUs of the machine converting, less one)`);
  } else if (typeof n === "number" && Number.isInteger(n) && n > 1) count = n;
  else if (typeof n === "string" && /^\d+$/.test(n) && Number(n) > 1) count = Number(n);
  if (app.exec_mode === "cluster" || app.exec_mode === "cluster_mode") {
    report.note("exec_mode", "cluster read as separate processes started directly (replicas): canopy has no Node cluster load balancer, so each needs its own port");
  }
  return count !== undefined && count > 1 ? Math.min(count, MAX_REPLICAS) : undefined;
}

/** autorestart, stop_exit_codes, max_restarts, min_uptime, restart_delay / exp_backoff_restart_delay. */
function restarts(app: Record<string, unknown>, report: ConvertReport): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (app.autorestart === false) out.restart = "never";
  else if (app.autorestart !== undefined && app.autorestart !== true) report.problem("autorestart", `expected true or false, got ${describe(app.autorestart)}`);
  if (app.stop_exit_codes !== undefined) {
    const codes = Array.isArray(app.stop_exit_codes) ? app.stop_exit_codes : [app.stop_exit_codes];
    out.success_exit_codes = codes;
    if (out.restart === undefined) out.restart = "on-failure";
  }
  out.max_restarts = app.max_restarts ?? PM2_MAX_RESTARTS;
  // PM2 uses min_uptime only to count restarts as unstable; with no restarts it has nothing to count.
  if (app.min_uptime !== undefined && app.autorestart !== false) out.min_uptime = app.min_uptime;
  if (app.exp_backoff_restart_delay !== undefined) {
    out.restart_delay = app.exp_backoff_restart_delay;
    out.restart_max_delay = PM2_BACKOFF_MAX_MS;
    report.note("exp_backoff_restart_delay", "the delay doubles after each crash in a row (PM2 multiplies it by 1.5), up to 15s as in PM2");
    if (app.restart_delay !== undefined) report.note("restart_delay", "ignored: exp_backoff_restart_delay is set too");
  } else if (app.restart_delay !== undefined) {
    out.restart_delay = app.restart_delay;
    out.restart_max_delay = app.restart_delay;
  } else {
    out.restart_delay = 0;
  }
  return out;
}
