/** Does a service's command resolve to an executable, on its PATH and from its cwd? */
import { accessSync, constants, statSync } from "node:fs";
import { resolve } from "node:path";
import type { ServiceConfig } from "../config/index.ts";
import type { Check } from "./check.ts";
import { scriptProgram } from "../os/shell-script.ts";

/** The programs of a service to check: argv[0], and for `/bin/sh -c SCRIPT` also the script's first program. */
export function programsOf(cmd: string[]): string[] {
  const [first, flag, script] = cmd;
  if (first === undefined) return [];
  if (cmd.length === 3 && first === "/bin/sh" && flag === "-c" && script !== undefined) {
    const inner = scriptProgram(script);
    return inner === undefined ? [first] : [first, inner];
  }
  return [first];
}

/** Where `program` resolves for a service: a path against its cwd, a bare name on PATH; or why it does not. */
export function resolveProgram(program: string, path: string, cwd: string): { found: string } | { problem: string } {
  if (program.includes("/")) {
    const full = resolve(cwd, program);
    try {
      if (!statSync(full).isFile()) return { problem: `${full} is not a file` };
      accessSync(full, constants.X_OK);
      return { found: full };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return { problem: code === "EACCES" ? `${full} is not executable` : `${full} does not exist` };
    }
  }
  const found = Bun.which(program, { PATH: path, cwd });
  return found === null ? { problem: `"${program}" is not on its PATH (${path || "empty"})` } : { found };
}

/** One check per service: every program it starts resolves. */
export function programCheck(svc: ServiceConfig, inheritedPath: string): Check {
  const path = svc.env.PATH ?? inheritedPath;
  const found: string[] = [];
  for (const program of programsOf(svc.cmd)) {
    const r = resolveProgram(program, path, svc.cwd);
    if ("problem" in r) {
      const fix = r.problem.endsWith("not executable") ? `chmod +x ${resolve(svc.cwd, program)}` : `install ${program}, or fix ${svc.name}'s cmd`;
      return { status: "fail", what: `${svc.name}: command ${r.problem}`, fix };
    }
    found.push(r.found);
  }
  const shell = found.length > 1 ? " (under /bin/sh -c)" : "";
  return { status: "ok", what: `${svc.name}: command ${found[found.length - 1] ?? "(none)"}${shell}` };
}
