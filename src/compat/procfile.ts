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

/** `{ services: { name: { cmd: command, env } } }`, every service sharing `env` (from the `.env` beside the Procfile). */
export function procfileToRaw(entries: ProcfileEntry[], env: Record<string, string>): { services: Record<string, unknown> } {
  const withEnv = Object.keys(env).length === 0 ? {} : { env };
  return { services: Object.fromEntries(entries.map((e) => [e.name, { cmd: e.command, ...withEnv }])) };
}
