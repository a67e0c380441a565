/** Ties finding, reading, parsing and validating together (disk reads beyond the file itself live in disk-checks.ts). */
import { readFileSync, realpathSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { readConfigSource } from "../compat/read-source.ts";
import { CanopyError } from "../errors.ts";
import { checkConfigOnDisk } from "./disk-checks.ts";
import { findConfigFile, type FindConfigOptions } from "./find.ts";
import { configError } from "./format.ts";
import { interpolateConfig } from "./interpolate-config.ts";
import { validateConfig } from "./schema.ts";
import type { SourceComment } from "./source.ts";
import type { CanopyConfig, ConfigProblem, SourceChoice } from "./types.ts";

/** A loaded config and what the reader skipped or reinterpreted on the way (never fatal; empty for canopy's own files). */
export interface LoadedConfig {
  config: CanopyConfig;
  warnings: string[];
  /** The warnings key by key, for `convert` to write as comments (empty for canopy's own files). */
  comments: SourceComment[];
  /** What a foreign file was read as ("a PM2 ecosystem file"); absent for canopy's own files. */
  readAs?: string;
}

/** How to read one file. */
export interface LoadOptions {
  /** The name messages use. */
  display?: string;
  /** The command line's choice (`-p`, `--env`) for the foreign formats that take one. */
  choice?: SourceChoice;
  /** Resolves `${NAME}` references, and what a foreign format may read (a Procfile's PORT); default: this process's. */
  env?: Record<string, string | undefined>;
  /**
   * `refuse` (the default): a `${NAME}` that is unset with no default is a config error. `empty`:
   * it reads as "" — for commands that only talk to a daemon, which resolved the file with its own environment.
   */
  unsetVariables?: "refuse" | "empty";
}

/** Finds the config file (see findConfigFile) and loads it; messages name it relative to `cwd` when inside it. */
export function loadConfig(opts: FindConfigOptions & { choice?: SourceChoice }): CanopyConfig {
  return loadConfigWithWarnings(opts).config;
}

/** loadConfig, also returning the warnings (e.g. process-compose keys canopy does not support). */
export function loadConfigWithWarnings(opts: FindConfigOptions & Pick<LoadOptions, "choice" | "unsetVariables">): LoadedConfig {
  const file = findConfigFile(opts);
  return loadConfigFileWithWarnings(file, {
    display: displayName(file, opts.cwd),
    env: opts.env,
    unsetVariables: opts.unsetVariables,
    ...(opts.choice ? { choice: opts.choice } : {}),
  });
}

/** Loads one config file; throws a single CanopyError("invalid_config") listing every problem found. */
export function loadConfigFile(path: string, opts: LoadOptions = {}): CanopyConfig {
  return loadConfigFileWithWarnings(path, opts).config;
}

/** loadConfigFile, also returning the warnings. Reads canopy.{yaml,toml,json} and the foreign formats of src/compat. */
export function loadConfigFileWithWarnings(path: string, opts: LoadOptions = {}): LoadedConfig {
  const display = opts.display ?? path;
  const file = realFile(path, display);
  const choice = opts.choice ?? {};
  const env = opts.env ?? process.env;
  const source = readConfigSource(file, readText(file, display), display, { choice, env });
  const unset = opts.unsetVariables === "empty" ? "" : undefined;
  const resolved = source.interpolates ? interpolateConfig(source.raw, (name) => env[name] ?? unset) : { raw: source.raw, problems: [] };
  const { config, envFiles, problems } = validateConfig(resolved.raw, { file, dir: dirname(file) });
  const later = [...problems, ...checkConfigOnDisk(config, envFiles)].map(source.translate);
  // A field whose variable is missing is reported once, for that, not again for the unresolved text.
  const unresolved = new Set(resolved.problems.map(fieldKey));
  const all = [...source.problems, ...resolved.problems, ...later.filter((p) => !unresolved.has(fieldKey(p)))];

  const lineOf = (p: Pick<ConfigProblem, "service" | "field" | "line">) => p.line ?? source.locate(p) ?? Number.POSITIVE_INFINITY;
  if (all.length > 0) {
    const located = all.map((p) => {
      const line = p.line ?? source.locate(p);
      return line === undefined ? p : { ...p, line };
    });
    located.sort((a, b) => byNumber(lineOf(a), lineOf(b)));
    throw configError(file, display, located);
  }
  // Object key order puts integer-like names ("1", "42") first; restore the order they are written in.
  if (config.services.some((s) => INTEGER_KEY.test(s.name))) {
    const line = new Map(config.services.map((s) => [s.name, lineOf({ service: s.name, field: "" })]));
    config.services.sort((a, b) => byNumber(line.get(a.name) as number, line.get(b.name) as number));
  }
  if (choice.port !== undefined || choice.env !== undefined) config.choice = choice;
  return { config, warnings: source.warnings, comments: source.comments ?? [], ...(source.readAs ? { readAs: source.readAs } : {}) };
}

/** A problem's service and top-level key (`env.X` → `env`, `cmd[1]` → `cmd`). */
function fieldKey(p: ConfigProblem): string {
  return `${p.service ?? ""}\0${p.field.split(/[.[]/)[0]}`;
}

/** A name JavaScript objects order before all others (an array index): "0", "7", "42". */
const INTEGER_KEY = /^(0|[1-9]\d*)$/;

/** Ascending, with equal values (Infinity included) kept in place. */
function byNumber(x: number, y: number): number {
  return x === y ? 0 : x - y;
}

function realFile(path: string, display: string): string {
  try {
    return realpathSync(resolve(path));
  } catch {
    throw new CanopyError("invalid_config", `config file ${display} does not exist`, { file: resolve(path) });
  }
}

function readText(file: string, display: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new CanopyError("invalid_config", `cannot read config file ${display}: ${reason}`, { file });
  }
}

/** `file` relative to `cwd` when it lies inside it, else absolute. */
function displayName(file: string, cwd: string): string {
  let base = resolve(cwd);
  try {
    base = realpathSync(base);
  } catch {
    // keep the unresolved cwd
  }
  const rel = relative(base, file);
  return rel === "" || rel.startsWith("..") || isAbsolute(rel) ? file : rel;
}
