/** A Procfile as a ConfigSource, with the `.env` beside it (when there is one) as every service's env, and foreman's PORTs. */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { isCanopyError } from "../errors.ts";
import { parseDotenv } from "../config/dotenv.ts";
import type { ConfigSource } from "../config/source.ts";
import type { ConfigProblem } from "../config/types.ts";
import { basePort, FOREMAN_BASE_PORT, parseProcfile, procfileToRaw } from "./procfile.ts";
import type { ReadOptions } from "./read-source.ts";

/** Reads the Procfile `text` (at absolute `file`) and the `.env` in its folder. */
export function procfileSource(text: string, file: string, opts: ReadOptions): ConfigSource {
  const { entries, problems } = parseProcfile(text);
  const dotenv = readDotenvBeside(file);
  if (dotenv.problem !== undefined) problems.push(dotenv.problem);
  const base = basePort({ flag: opts.choice.port, dotenv: dotenv.env.PORT, environment: opts.env.PORT }, entries.length);
  if (typeof base === "string") problems.push({ field: "", message: base });
  const lines = new Map(entries.map((e) => [e.name, e.line]));
  return {
    raw: procfileToRaw(entries, dotenv.env, typeof base === "number" ? base : FOREMAN_BASE_PORT),
    problems,
    warnings: [],
    readAs: "a Procfile (foreman's rules)",
    locate: (p) => (p.service === undefined ? undefined : lines.get(p.service)),
    translate: (p) => p,
  };
}

function readDotenvBeside(file: string): { env: Record<string, string>; problem?: ConfigProblem } {
  const path = join(dirname(file), ".env");
  if (!existsSync(path)) return { env: {} };
  try {
    return { env: parseDotenv(readFileSync(path, "utf8")) };
  } catch (err) {
    const reason = isCanopyError(err) || err instanceof Error ? err.message : String(err);
    return { env: {}, problem: { field: "", message: `in ${path}: ${reason}` } };
  }
}
