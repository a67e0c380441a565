/** Ties finding, reading, parsing and validating together (the only file here that reads the disk besides find.ts). */
import { readFileSync, realpathSync, statSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { CanopyError, isCanopyError } from "../errors.ts";
import { parseDotenv } from "./dotenv.ts";
import { findConfigFile, type FindConfigOptions } from "./find.ts";
import { configError } from "./format.ts";
import { duplicateKeyProblems, makeLocator } from "./locate.ts";
import { formatOf, parseConfigText } from "./parse.ts";
import { validateConfig } from "./schema.ts";
import type { CanopyConfig, ConfigProblem, ServiceConfig } from "./types.ts";

/** Finds the config file (see findConfigFile) and loads it; messages name it relative to `cwd` when inside it. */
export function loadConfig(opts: FindConfigOptions): CanopyConfig {
  const file = findConfigFile(opts);
  return loadConfigFile(file, { display: displayName(file, opts.cwd) });
}

/** Loads one config file; throws a single CanopyError("invalid_config") listing every problem found. */
export function loadConfigFile(path: string, opts: { display?: string } = {}): CanopyConfig {
  const display = opts.display ?? path;
  const file = realFile(path, display);
  const text = readText(file, display);
  const format = formatOf(file);
  const raw = parseConfigText(text, format, file, display);
  const { config, envFiles, problems } = validateConfig(raw, { file, dir: dirname(file) });
  problems.push(...duplicateKeyProblems(text, format));
  for (const service of config.services) problems.push(...checkOnDisk(service, envFiles[service.name]));

  const locate = makeLocator(text, format);
  const lineOf = (p: Pick<ConfigProblem, "service" | "field" | "line">) => p.line ?? locate(p) ?? Number.POSITIVE_INFINITY;
  if (problems.length > 0) {
    const located = problems.map((p) => {
      const line = p.line ?? locate(p);
      return line === undefined ? p : { ...p, line };
    });
    located.sort((a, b) => byNumber(lineOf(a), lineOf(b)));
    throw configError(file, display, located);
  }
  // Object key order puts integer-like names ("1", "42") first; restore the order they are written in.
  config.services.sort((a, b) => byNumber(lineOf({ service: a.name, field: "" }), lineOf({ service: b.name, field: "" })));
  return config;
}

/** Ascending, with equal values (Infinity included) kept in place. */
function byNumber(x: number, y: number): number {
  return x === y ? 0 : x - y;
}

/** Checks that the service's cwd exists and merges its env_file (if any) under its env, in place. */
function checkOnDisk(service: ServiceConfig, envFile: string | undefined): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (!isDirectory(service.cwd)) problems.push({ service: service.name, field: "cwd", message: `folder not found: ${service.cwd}` });
  if (envFile !== undefined) {
    try {
      service.env = { ...parseDotenv(readFileSync(envFile, "utf8")), ...service.env };
    } catch (err) {
      problems.push({ service: service.name, field: "env_file", message: envFileMessage(envFile, err) });
    }
  }
  return problems;
}

function envFileMessage(envFile: string, err: unknown): string {
  if (isCanopyError(err)) return `in ${envFile}: ${err.message}`;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return `file not found: ${envFile}`;
  if (code === "EISDIR") return `is a folder, not a file: ${envFile}`;
  return `cannot read ${envFile}: ${err instanceof Error ? err.message : String(err)}`;
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

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
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
