/** A supervisord.conf as a ConfigSource: its `[include]` files read (globs relative to it), problems placed on its lines. */
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, isAbsolute, relative } from "node:path";
import type { ConfigSource } from "../config/source.ts";
import type { ConfigProblem } from "../config/types.ts";
import { conversionComments, conversionWarning } from "./convert-report.ts";
import { parseIni } from "./ini.ts";
import type { ReadOptions } from "./read-source.ts";
import { expandValue } from "./sv-expand.ts";
import { supervisordToRaw, type SvSection } from "./supervisord.ts";

/** canopy field → the supervisord key it was read from, for problems found by canopy's own validation. */
const SV_FIELDS: Readonly<Record<string, string>> = {
  cmd: "command", cwd: "directory", env: "environment", restart: "autorestart", success_exit_codes: "exitcodes",
  min_uptime: "startsecs", max_restarts: "startretries", stop_signal: "stopsignal", stop_timeout: "stopwaitsecs",
  autostart: "autostart", depends_on: "priority",
};

/** Reads the supervisord.conf `text` at absolute `file`, and the files its `[include]` names. */
export function supervisordSource(text: string, file: string, display: string, opts: ReadOptions): ConfigSource {
  const here = dirname(file);
  const main = parseIni(text);
  const problems: ConfigProblem[] = [...main.problems];
  const sections: SvSection[] = [...main.sections];
  const notes: string[] = [];
  const include = main.sections.find((s) => s.name === "include")?.entries.get("files");
  if (include !== undefined) {
    const vars: Record<string, string> = { here, host_node_name: hostname() };
    for (const [k, v] of Object.entries(opts.env)) if (v !== undefined) vars[`ENV_${k}`] = v;
    const expanded = expandValue(include.value, vars);
    if (typeof expanded !== "string") problems.push({ field: "[include].files", line: include.line, message: expanded.error });
    else for (const path of includedFiles(expanded, here)) sections.push(...readIncluded(path, here, problems, notes));
  }
  const conversion = supervisordToRaw(sections, { here, env: opts.env, hostname: hostname() });
  const warning = conversionWarning(display, "a supervisord file", conversion.ignored, [...notes, ...conversion.notes]);
  const origins = conversion.origins;
  return {
    raw: conversion.raw,
    problems: [...problems, ...conversion.problems.map((p) => inIncluded(p, origins.get(p.service ?? "")?.from))],
    warnings: warning === undefined ? [] : [warning],
    readAs: "a supervisord file",
    comments: [...notes.map((text) => ({ text })), ...conversionComments(conversion)],
    locate: (p) => {
      const origin = origins.get(p.service ?? "");
      if (origin === undefined || origin.from !== undefined) return undefined;
      const key = p.field.split(/[.[]/)[0] ?? "";
      return origin.entries.get(key)?.line ?? origin.line;
    },
    translate: (p) => {
      const [head = "", ...rest] = p.field.split(".");
      const base = head.replace(/\[\d+\]$/, "");
      const key = SV_FIELDS[base];
      const field = key === undefined ? p.field : base === "env" ? [key, ...rest].join(".") : key;
      return inIncluded({ ...p, field }, origins.get(p.service ?? "")?.from);
    },
  };
}

/** The files `files = a.conf conf.d/*.conf` names, each glob relative to `here` and sorted, as supervisord reads them. */
function includedFiles(patterns: string, here: string): string[] {
  const files: string[] = [];
  for (const pattern of patterns.split(/\s+/).filter((p) => p !== "")) {
    const cwd = isAbsolute(pattern) ? "/" : here;
    const glob = new Bun.Glob(isAbsolute(pattern) ? pattern.slice(1) : pattern);
    files.push(...[...glob.scanSync({ cwd, absolute: true, onlyFiles: true })].sort());
  }
  return files;
}

function readIncluded(path: string, here: string, problems: ConfigProblem[], notes: string[]): SvSection[] {
  const from = relative(here, path).startsWith("..") ? path : relative(here, path);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    problems.push({ field: "[include].files", message: `cannot read ${from}: ${(err as Error).message}` });
    return [];
  }
  const parsed = parseIni(text);
  for (const p of parsed.problems) problems.push({ field: p.field, message: `in ${from}${p.line === undefined ? "" : `:${p.line}`}: ${p.message}` });
  if (parsed.sections.some((s) => s.name === "include")) notes.push(`[include] in ${from}: not followed (supervisord reads includes from the main file only)`);
  return parsed.sections.filter((s) => s.name !== "include").map((s) => ({ ...s, from }));
}

/** A problem of a section from an included file: that file named in the message, no line of the main file. */
function inIncluded(problem: ConfigProblem, from: string | undefined): ConfigProblem {
  return from === undefined ? problem : { ...problem, message: `(in ${from}) ${problem.message}` };
}
