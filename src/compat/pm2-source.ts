/** A PM2 ecosystem file as a ConfigSource: JSON or YAML parsed, a .js / .cjs / .mjs one evaluated (it is the user's own code). */
import type { ConfigSource } from "../config/source.ts";
import type { ConfigProblem } from "../config/types.ts";
import { conversionComments, conversionWarning, newConversion } from "./convert-report.ts";
import { pm2ToRaw } from "./pm2.ts";

/** canopy field → the PM2 key it was read from, for problems found by canopy's own validation. */
const PM2_FIELDS: Readonly<Record<string, string>> = {
  cmd: "script", cwd: "cwd", env: "env", restart: "autorestart", max_restarts: "max_restarts", min_uptime: "min_uptime",
  restart_delay: "restart_delay", restart_max_delay: "restart_delay", stop_timeout: "kill_timeout", success_exit_codes: "stop_exit_codes",
};

/** `value` is the parsed file, or undefined with `problem` when evaluating it failed. */
export function pm2Source(value: unknown, display: string, envName: string | undefined, problem?: ConfigProblem): ConfigSource {
  const conversion = problem === undefined ? pm2ToRaw(value, envName) : { ...newConversion(), problems: [problem] };
  const warning = conversionWarning(display, "a PM2 ecosystem file", conversion.ignored, conversion.notes);
  return {
    raw: conversion.raw,
    problems: conversion.problems,
    warnings: warning === undefined ? [] : [warning],
    readAs: "a PM2 ecosystem file",
    comments: conversionComments(conversion),
    locate: () => undefined,
    translate: (p) => {
      const [head = "", ...rest] = p.field.split(".");
      const base = head.replace(/\[\d+\]$/, "");
      const key = PM2_FIELDS[base];
      return key === undefined ? p : { ...p, field: base === "env" ? [key, ...rest].join(".") : key };
    },
  };
}

/**
 * Runs the ecosystem file at absolute `file` and returns what it exports (`module.exports` or `export default`).
 * Only ever called for a file named on the command line: it executes the user's code.
 */
export function evaluateEcosystem(file: string): { value?: unknown; problem?: ConfigProblem } {
  try {
    // Evaluated afresh each time, so a reload sees the file as it is now.
    delete require.cache[file];
    const mod = require(file) as unknown;
    return { value: mod };
  } catch (err) {
    return { problem: { field: "", message: `running it failed: ${err instanceof Error ? err.message : String(err)}` } };
  }
}
