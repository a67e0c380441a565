/** One `[program:x]` section → its processes (numprocs of them) as canopy services' raw settings (pure). */
import type { ConvertReport } from "./convert-report.ts";
import type { IniEntry } from "./ini.ts";
import { splitWords } from "./shell-words.ts";
import { parseSupervisorEnv } from "./sv-env.ts";
import { expandValue } from "./sv-expand.ts";
import { svBoolean, svExitCodes, svInteger, svSignal } from "./sv-values.ts";

/** The program keys read; every other one is named in the warning. */
export const SV_PROGRAM_KEYS = [
  "command", "directory", "environment", "user", "autostart", "autorestart", "exitcodes", "startsecs", "startretries",
  "stopsignal", "stopwaitsecs", "numprocs", "numprocs_start", "process_name", "priority",
] as const;

/** `autorestart` → canopy `restart`. */
export const SV_AUTORESTART: Readonly<Record<string, string>> = { true: "always", false: "never", unexpected: "on-failure" };

/** One process of a program: its name, its settings, and its priority (lower starts first). */
export interface SvProcess {
  name: string;
  priority: number;
  raw: Record<string, unknown>;
}

/** What a program's values may expand, and the `[supervisord]` environment under its own. */
export interface SvProgramContext {
  vars: Record<string, string>;
  globalEnv: Record<string, string>;
}

/** The processes of program `name`; problems go to `report` (per process where the value differs per process). */
export function svProgram(
  name: string,
  entries: Map<string, IniEntry>,
  ctx: SvProgramContext,
  report: ConvertReport & { forProcess(name: string): ConvertReport },
): SvProcess[] {
  for (const key of entries.keys()) if (!(SV_PROGRAM_KEYS as readonly string[]).includes(key)) report.ignore(key);
  if (name === "") {
    report.problem("", "a [program:] section needs a name after the colon");
    return [];
  }
  const programVars = { ...ctx.vars, program_name: name };
  const count = intKey(entries, "numprocs", programVars, 1, 1, report);
  const first = intKey(entries, "numprocs_start", programVars, 0, 0, report);
  if (count === undefined || first === undefined) return [];
  const nameTemplate = entries.get("process_name")?.value ?? "%(program_name)s";
  if (count > 1 && !nameTemplate.includes("%(process_num)")) {
    report.problem("process_name", `must include %(process_num)s (or %(process_num)02d) when numprocs is ${count}, so each process has its own name`);
    return [];
  }
  const out: SvProcess[] = [];
  for (let num = first; num < first + count; num++) {
    const vars = { ...programVars, numprocs: String(count), process_num: String(num) };
    const processName = expandValue(nameTemplate, vars);
    if (typeof processName !== "string") {
      report.problem("process_name", processName.error);
      return [];
    }
    const process = processSettings(entries, vars, ctx.globalEnv, report.forProcess(processName));
    if (process !== undefined) out.push({ name: processName, ...process });
  }
  if (entries.has("user")) report.note("user", "ignored: canopy runs every service as the user running canopy (it has no user key)");
  return out;
}

function processSettings(
  entries: Map<string, IniEntry>,
  vars: Record<string, string>,
  globalEnv: Record<string, string>,
  report: ConvertReport,
): { priority: number; raw: Record<string, unknown> } | undefined {
  let failed = false;
  const value = (key: string): string | undefined => {
    const entry = entries.get(key);
    if (entry === undefined) return undefined;
    const expanded = expandValue(entry.value, vars);
    if (typeof expanded === "string") return expanded;
    failed = true;
    report.problem(key, expanded.error);
    return undefined;
  };
  const bad = (key: string, what: string) => {
    failed = true;
    report.problem(key, `expected ${what}, got ${JSON.stringify(entries.get(key)?.value)}`);
  };
  const raw: Record<string, unknown> = {};

  const command = value("command");
  if (command === undefined && !entries.has("command")) {
    failed = true;
    report.problem("command", "missing; every [program:x] needs a command");
  } else if (command !== undefined) {
    const argv = splitWords(command);
    if (typeof argv === "string") bad("command", `a command line (${argv})`);
    else if (argv.length === 0) bad("command", "a command line");
    else raw.cmd = argv;
  }
  const directory = value("directory");
  if (directory !== undefined) raw.cwd = directory;
  const ownEnvText = value("environment");
  const ownEnv = ownEnvText === undefined ? {} : parseSupervisorEnv(ownEnvText);
  if (typeof ownEnv === "string") {
    failed = true;
    report.problem("environment", ownEnv);
  } else if (Object.keys(globalEnv).length + Object.keys(ownEnv).length > 0) raw.env = { ...globalEnv, ...ownEnv };

  const autostart = value("autostart");
  if (autostart !== undefined) {
    const b = svBoolean(autostart);
    if (b === undefined) bad("autostart", "true or false");
    else if (!b) raw.autostart = false;
  }
  const autorestart = (value("autorestart") ?? "unexpected").toLowerCase();
  const restart = SV_AUTORESTART[svBoolean(autorestart) === undefined ? autorestart : String(svBoolean(autorestart))];
  if (restart === undefined) bad("autorestart", "true, false or unexpected");
  else raw.restart = restart;
  const exitcodes = value("exitcodes");
  if (exitcodes !== undefined) {
    const codes = svExitCodes(exitcodes);
    if (codes === undefined) bad("exitcodes", "exit codes from 0 to 255 separated by commas, such as 0,2");
    else if (!(codes.length === 1 && codes[0] === 0)) raw.success_exit_codes = codes;
  }
  const startsecs = intOf(value("startsecs") ?? "1", 0);
  if (startsecs === undefined) bad("startsecs", "a whole number of seconds");
  else if (startsecs > 0) raw.min_uptime = `${startsecs}s`;
  const startretries = intOf(value("startretries") ?? "3", 0);
  if (startretries === undefined) bad("startretries", "a whole number");
  else raw.max_restarts = startretries + 1;
  raw.restart_delay = "1s";
  const stopsignal = value("stopsignal");
  if (stopsignal !== undefined) {
    const signal = svSignal(stopsignal);
    if (signal === undefined) bad("stopsignal", "a signal name such as TERM, INT or QUIT");
    else raw.stop_signal = signal;
  }
  const stopwaitsecs = intOf(value("stopwaitsecs") ?? "10", 0);
  if (stopwaitsecs === undefined) bad("stopwaitsecs", "a whole number of seconds");
  else raw.stop_timeout = `${stopwaitsecs}s`;
  const priority = intOf(value("priority") ?? "999", Number.MIN_SAFE_INTEGER);
  if (priority === undefined) bad("priority", "a whole number");
  return failed || priority === undefined ? undefined : { priority, raw };
}

function intOf(text: string, min: number): number | undefined {
  return svInteger(text.trim(), min);
}

/** A whole-number key read once per program (numprocs, numprocs_start), expanded. */
function intKey(entries: Map<string, IniEntry>, key: string, vars: Record<string, string>, min: number, fallback: number, report: ConvertReport): number | undefined {
  const entry = entries.get(key);
  if (entry === undefined) return fallback;
  const expanded = expandValue(entry.value, vars);
  if (typeof expanded !== "string") {
    report.problem(key, expanded.error);
    return undefined;
  }
  const n = svInteger(expanded.trim(), min);
  if (n === undefined) report.problem(key, `expected a whole number from ${min}, got ${JSON.stringify(entry.value)}`);
  return n;
}
