/** supervisord.conf sections (includes already read) → canopy's raw config shape, with what it skipped or reread (pure). */
import { type Conversion, type ConvertReport, newConversion, serviceReport } from "./convert-report.ts";
import type { IniSection } from "./ini.ts";
import { svProgram, type SvProcess } from "./sv-program.ts";
import { parseSupervisorEnv } from "./sv-env.ts";
import { expandValue } from "./sv-expand.ts";

/** A section, and the file it came from when that is an included one (its display name). */
export interface SvSection extends IniSection {
  from?: string;
}

/** What the expansions read: the main file's folder (`%(here)s`), the environment (`%(ENV_X)s`), the host name. */
export interface SvContext {
  here: string;
  env: Readonly<Record<string, string | undefined>>;
  hostname: string;
}

/** Where each service came from, for placing problems: its section, and the file when included. */
export type SvOrigins = Map<string, SvSection>;

/** Sections supervisord uses only for itself: named once in the warning when present. */
const OWN_SECTIONS = ["unix_http_server", "inet_http_server", "supervisorctl", "include"];

/** Converts `[program:x]` (with `[group:x]` and `[supervisord] environment`); everything else is named as skipped. */
export function supervisordToRaw(sections: SvSection[], ctx: SvContext): Conversion & { origins: SvOrigins } {
  const out = { ...newConversion(), origins: new Map() as SvOrigins };
  const vars = baseVars(ctx);
  const globalEnv = supervisordEnv(sections, vars, out);
  const groups = groupsOf(sections, out);
  const processes: SvProcess[] = [];
  for (const section of sections) {
    const [kind = "", name = ""] = section.name.includes(":") ? splitOnce(section.name) : [section.name, ""];
    if (kind === "program") {
      const report = sectionReport(out, section, name, out.origins);
      const group = groups.get(name) ?? name;
      out.origins.set(name, section);
      processes.push(...svProgram(name, section.entries, { vars: { ...vars, group_name: group }, globalEnv }, report));
    } else if (kind === "supervisord") {
      for (const key of section.entries.keys()) if (key !== "environment") out.ignored.push(`[supervisord].${key}`);
    } else if (kind !== "group" && !(OWN_SECTIONS.includes(kind) && name === "") && kind !== "rpcinterface") {
      out.ignored.push(`[${section.name}]`);
    }
  }
  const services = new Map<string, unknown>();
  if (new Set(processes.map((p) => p.priority)).size > 1) {
    out.notes.push("priority: read as depends_on (condition started) on the programs of the next lower priority, so they start first and stop last");
  }
  for (const p of withPriorityOrder(processes)) services.set(p.name, p.raw);
  out.raw.services = Object.fromEntries(services);
  return out;
}

function splitOnce(name: string): [string, string] {
  const at = name.indexOf(":");
  return [name.slice(0, at), name.slice(at + 1)];
}

/** `here`, `host_node_name` and `ENV_X` for every variable set. */
function baseVars(ctx: SvContext): Record<string, string> {
  const vars: Record<string, string> = { here: ctx.here, host_node_name: ctx.hostname };
  for (const [k, v] of Object.entries(ctx.env)) if (v !== undefined) vars[`ENV_${k}`] = v;
  return vars;
}

/** `[supervisord] environment`: given to every program; a program's own wins. */
function supervisordEnv(sections: SvSection[], vars: Record<string, string>, out: Conversion): Record<string, string> {
  const entry = sections.find((s) => s.name === "supervisord")?.entries.get("environment");
  if (entry === undefined) return {};
  const expanded = expandValue(entry.value, vars);
  const env = typeof expanded === "string" ? parseSupervisorEnv(expanded) : expanded.error;
  if (typeof env === "string") {
    out.problems.push({ field: "[supervisord].environment", line: entry.line, message: env });
    return {};
  }
  return env;
}

/** Program name → the `[group:x]` that lists it (its `%(group_name)s`); canopy runs the programs, not the group. */
function groupsOf(sections: SvSection[], out: Conversion): Map<string, string> {
  const groups = new Map<string, string>();
  const programs = new Set(sections.filter((s) => s.name.startsWith("program:")).map((s) => s.name.slice(8)));
  for (const section of sections.filter((s) => s.name.startsWith("group:"))) {
    const group = section.name.slice(6);
    const listed = section.entries.get("programs");
    for (const key of section.entries.keys()) if (key !== "programs") out.ignored.push(`[${section.name}].${key}`);
    for (const name of (listed?.value ?? "").split(",").map((n) => n.trim()).filter((n) => n !== "")) {
      if (!programs.has(name)) out.problems.push({ field: `[${section.name}].programs`, line: listed?.line, message: `names ${name}, which has no [program:${name}] section` });
      else groups.set(name, group);
    }
    out.notes.push(`[${section.name}]: its programs run as services of their own (canopy has no groups to start or stop together)`);
  }
  return groups;
}

/** A report whose problems name the process (or program) and the key; skipped keys read `[program:x].key`. */
function sectionReport(out: Conversion, section: SvSection, program: string, origins: SvOrigins): ConvertReport & { forProcess(name: string): ConvertReport } {
  const path = (field: string) => (field === "" ? `[${section.name}]` : `[${section.name}].${field}`);
  const base = serviceReport(out, program, path);
  return {
    ...base,
    forProcess: (name) => {
      origins.set(name, section);
      return serviceReport(out, name, path);
    },
  };
}

/**
 * supervisord starts lower `priority` first and stops it last: each priority level depends on (`started`) the
 * level below it, which canopy's start and stop order then follows. One level: no dependencies.
 */
function withPriorityOrder(processes: SvProcess[]): SvProcess[] {
  const levels = [...new Set(processes.map((p) => p.priority))].sort((a, b) => a - b);
  if (levels.length < 2) return processes;
  return processes.map((p) => {
    const below = levels.filter((l) => l < p.priority).at(-1);
    if (below === undefined) return p;
    const deps = Object.fromEntries(processes.filter((q) => q.priority === below).map((q) => [q.name, { condition: "started" }]));
    return { ...p, raw: { ...p.raw, depends_on: deps } };
  });
}
