/** Procfile (`name: command` per line) → canopy's raw config shape (pure). */
import type { ConfigProblem } from "../config/types.ts";

/** One `name: command` line. */
export interface ProcfileEntry {
  name: string;
  command: string;
  /** 1-based. */
  line: number;
}

const ENTRY_RE = /^([^:]*?)\s*:[ \t]*(.*)$/;

/** The entries of a Procfile (blank lines and `#` comments skipped); malformed and repeated lines become problems. */
export function parseProcfile(text: string): { entries: ProcfileEntry[]; problems: ConfigProblem[] } {
  const entries: ProcfileEntry[] = [];
  const problems: ConfigProblem[] = [];
  text.replace(/^\uFEFF/, "").split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const text = raw.trim();
    if (text === "" || text.startsWith("#")) return;
    const [, name = "", command = ""] = ENTRY_RE.exec(text) ?? [];
    if (name === "") {
      problems.push({ field: "", line, message: `expected "name: command", got ${JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text)}` });
      return;
    }
    const first = entries.find((e) => e.name === name);
    if (first !== undefined) {
      problems.push({ service: name, field: "", line, message: `defined twice (first on line ${first.line}); rename or remove one` });
    } else if (command.trim() === "") {
      problems.push({ service: name, field: "cmd", line, message: "has no command after the colon" });
    } else {
      entries.push({ name, command: command.trim(), line });
    }
  });
  return { entries, problems };
}

/** foreman's first port when neither `-p`, `.env` nor the environment sets PORT. */
export const FOREMAN_BASE_PORT = 5000;
/** foreman gives each process type the port 100 above the one before it, in the file's order. */
export const FOREMAN_PORT_STEP = 100;

/**
 * The first process type's PORT, as `foreman start` picks it: `-p`, else PORT from `.env`, else from the
 * environment, else 5000. A message (string) when the chosen value is no port, or the last type's would pass 65535.
 */
export function basePort(from: { flag?: number; dotenv?: string; environment?: string }, count = 1): number | string {
  const [where, value] =
    from.flag !== undefined ? ["-p", String(from.flag)]
    : from.dotenv !== undefined ? ["PORT in .env", from.dotenv]
    : from.environment !== undefined && from.environment !== "" ? ["PORT in the environment", from.environment]
    : ["the default", String(FOREMAN_BASE_PORT)];
  const port = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(port >= 1 && port <= 65_535)) return `the base port (${where}) must be a number from 1 to 65535, got ${JSON.stringify(value)}`;
  const last = port + FOREMAN_PORT_STEP * Math.max(0, count - 1);
  if (last > 65_535) return `the base port ${port} (${where}) leaves no port for process type ${count} (${last} > 65535)`;
  return port;
}

/**
 * `{ services: { name: { cmd: command, env } } }`: every service shares `env` (the `.env` beside the Procfile),
 * and gets PORT `base`, `base + 100`, … in the file's order, as foreman gives them.
 */
export function procfileToRaw(entries: ProcfileEntry[], env: Record<string, string>, base: number): { services: Record<string, unknown> } {
  return {
    services: Object.fromEntries(entries.map((e, i) => [e.name, { cmd: e.command, env: { ...env, PORT: String(base + FOREMAN_PORT_STEP * i) } }])),
  };
}
