/** One service as `canopy init` writes it, and the checks every way of entering one shares (pure). */
import { isValidServiceName } from "../config/index.ts";

/** A service to write: a name, a shell command, maybe a port. */
export interface Draft {
  name: string;
  cmd: string;
  port?: number;
}

/** Why `name` cannot be used (invalid, or already taken by `taken`), or undefined. */
export function nameProblem(name: string, taken: string[]): string | undefined {
  if (!isValidServiceName(name)) return "use letters, digits, - and _ (at most 63, starting with a letter or digit)";
  const same = taken.find((t) => t.toLowerCase() === name.toLowerCase());
  if (same !== undefined) return same === name ? `"${name}" is already a service` : `"${same}" is already a service (names must differ in more than case)`;
  return undefined;
}

/** Why `cmd` cannot be used, or undefined. */
export function cmdProblem(cmd: string): string | undefined {
  return cmd.trim() === "" ? "a service needs a command" : undefined;
}

/** A port from text: undefined for "" (no port), a number 1–65535, or an error message. */
export function parsePort(text: string): { port?: number } | { error: string } {
  const t = text.trim();
  if (t === "") return {};
  const n = Number(t);
  if (!/^\d+$/.test(t) || n < 1 || n > 65535) return { error: `"${t}" is not a port (1–65535)` };
  return { port: n };
}

/** `raw` turned into a valid service name, its case kept, other characters as "-"; "app" when nothing is left. */
export function toServiceName(raw: string): string {
  const name = raw
    .replace(/[^A-Za-z0-9_-]+/g, "-")
    .replace(/^[-_]+/, "")
    .slice(0, 63)
    .replace(/-+$/, "");
  return name === "" ? "app" : name;
}

/** `name`, or `name-2`, `name-3`, … when taken (in any case: names differing only in case clash). */
export function uniqueName(name: string, taken: string[]): string {
  const folded = new Set(taken.map((t) => t.toLowerCase()));
  if (!folded.has(name.toLowerCase())) return name;
  for (let i = 2; ; i++) {
    const candidate = `${name.slice(0, 60)}-${i}`;
    if (!folded.has(candidate.toLowerCase())) return candidate;
  }
}
