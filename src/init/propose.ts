/** Services `canopy init` proposes from what a folder holds: a Procfile's entries and package.json's run scripts (pure). */
import { parseProcfile } from "../compat/procfile.ts";
import { type Draft, toServiceName, uniqueName } from "./draft.ts";

/** A proposed service: where it came from, and whether the wizard ticks it to begin with. */
export interface Proposal extends Draft {
  source: string;
  preselected: boolean;
}

/** What the folder holds, as text (undefined when absent), and which lock files are there. */
export interface FolderContents {
  procfile?: string;
  packageJson?: string;
  lockfiles: string[];
}

/** package.json scripts that run something long-lived, in the order they are offered, with the name proposed for each. */
const SCRIPTS: [script: string, name: string][] = [
  ["start", "app"],
  ["serve", "web"],
  ["server", "server"],
  ["dev", "dev"],
  ["web", "web"],
  ["api", "api"],
  ["worker", "worker"],
  ["preview", "preview"],
];

/** Scripts that are the app itself: only the first one present is ticked (they would fight over one port). */
const ALTERNATIVES = ["start", "serve", "server", "dev"];

/** The proposals, Procfile first, and notes about what could not be read. */
export function proposeServices(found: FolderContents): { proposals: Proposal[]; notes: string[] } {
  const proposals: Proposal[] = [];
  const notes: string[] = [];
  const taken = () => proposals.map((p) => p.name);
  if (found.procfile !== undefined) {
    const { entries, problems } = parseProcfile(found.procfile);
    for (const p of problems) notes.push(`Procfile${p.line ? ` line ${p.line}` : ""}: ${p.message}; skipped`);
    for (const e of entries) {
      proposals.push({ name: uniqueName(toServiceName(e.name), taken()), cmd: e.command, ...portOf(e.command), source: "Procfile", preselected: true });
    }
  }
  if (found.packageJson !== undefined) {
    const scripts = scriptsOf(found.packageJson);
    if (scripts === undefined) notes.push("package.json could not be read as JSON; skipped");
    const runner = runnerFor(found.lockfiles);
    const hasProcfile = proposals.length > 0;
    const firstAlternative = ALTERNATIVES.find((s) => scripts?.[s] !== undefined);
    for (const [script, name] of SCRIPTS) {
      const body = scripts?.[script];
      if (body === undefined) continue;
      const preselected = !hasProcfile && (ALTERNATIVES.includes(script) ? script === firstAlternative : true);
      proposals.push({ name: uniqueName(name, taken()), cmd: `${runner} ${script}`, ...portOf(body), source: `package.json "${script}": ${body}`, preselected });
    }
  }
  return { proposals, notes };
}

/** The port a command line names (`--port 3000`, `-p 3000`, `PORT=3000`, `localhost:3000`), if any. */
export function guessPort(command: string): number | undefined {
  const m = /(?:--port[= ]|(?:^|\s)-p[= ]?|\bPORT=|(?:localhost|127\.0\.0\.1|0\.0\.0\.0):)(\d{2,5})\b/.exec(command);
  const n = m ? Number(m[1]) : undefined;
  return n !== undefined && n >= 1 && n <= 65535 ? n : undefined;
}

/** How this project runs its package scripts, from its lock file. */
export function runnerFor(lockfiles: string[]): string {
  if (lockfiles.includes("bun.lock") || lockfiles.includes("bun.lockb")) return "bun run";
  if (lockfiles.includes("pnpm-lock.yaml")) return "pnpm run";
  if (lockfiles.includes("yarn.lock")) return "yarn run";
  return "npm run";
}

/** The lock files runnerFor looks at. */
export const LOCKFILES = ["bun.lock", "bun.lockb", "pnpm-lock.yaml", "yarn.lock", "package-lock.json"];

function portOf(command: string): { port?: number } {
  const port = guessPort(command);
  return port === undefined ? {} : { port };
}

function scriptsOf(text: string): Record<string, string> | undefined {
  try {
    const pkg = JSON.parse(text) as { scripts?: unknown };
    const scripts = pkg?.scripts;
    if (typeof scripts !== "object" || scripts === null) return {};
    return Object.fromEntries(Object.entries(scripts).filter((e): e is [string, string] => typeof e[1] === "string"));
  } catch {
    return undefined;
  }
}
