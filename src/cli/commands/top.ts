/** `canopy top [-c FILE]`: every service live, full-screen, steerable; a client of the /v1 API like the rest. */
import { CanopyError } from "../../errors.ts";
import type { ParsedArgs } from "../args.ts";
import { DaemonClient } from "../client.ts";
import { type Io, openProjectLenient } from "../context.ts";
import { colorEnabled, makeColors } from "../style.ts";
import { runTop } from "../top/app.ts";
import { openTerminal } from "../top/terminal.ts";

export async function top(io: Io, args: ParsedArgs): Promise<number> {
  if (args.positionals.length > 0) throw new CanopyError("usage", "top takes no service names (see `canopy help top`)");
  // Both ends must be a terminal: keys come from stdin, the screen goes to stdout.
  if (!io.stdoutTty || !process.stdin.isTTY) {
    throw new CanopyError("usage", "top needs a terminal; in scripts and pipes use `canopy status` (or `status --json`)");
  }
  const project = openProjectLenient(io, args.config);
  const configs = new Map((project.config?.services ?? []).map((s) => [s.name, s]));
  return runTop({
    client: new DaemonClient(project.paths.socketPath, project.file, false),
    configFile: project.file,
    configOf: (name) => configs.get(name),
    colors: makeColors(colorEnabled({ isTTY: true }, io.env)),
    openTerminal: (handlers) => openTerminal(io.stdout, handlers),
  });
}
