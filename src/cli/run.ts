/** Dispatches a command line to its command; turns every failure into one stderr line and an exit code. */
import { CanopyError, isCanopyError } from "../errors.ts";
import { versionString } from "../version.ts";
import { type ParsedArgs, parseCommandLine } from "./args.ts";
import { control } from "./commands/control.ts";
import { convert } from "./commands/convert.ts";
import { doctor } from "./commands/doctor.ts";
import { down } from "./commands/down.ts";
import { events } from "./commands/events.ts";
import { init } from "./commands/init.ts";
import { logs } from "./commands/logs.ts";
import { reload } from "./commands/reload.ts";
import { service } from "./commands/service.ts";
import { status } from "./commands/status.ts";
import { daemon, up } from "./commands/up.ts";
import type { Io } from "./context.ts";
import { commandHelp, overview } from "./help.ts";

type Command = (io: Io, args: ParsedArgs) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  up,
  daemon,
  down,
  status,
  logs,
  events,
  reload,
  convert,
  service,
  init,
  doctor,
  start: (io, args) => control(io, args, "start"),
  stop: (io, args) => control(io, args, "stop"),
  restart: (io, args) => control(io, args, "restart"),
};

/** Runs one command line and resolves with the process exit code. */
export async function runCli(argv: string[], io: Io): Promise<number> {
  try {
    const args = parseCommandLine(argv);
    if (args.version || args.command === "version") {
      io.stdout(`${versionString()}\n`);
      return 0;
    }
    if (args.command === undefined || args.command === "help" || args.help) {
      return help(io, args.command === "help" ? args.positionals[0] : args.command);
    }
    const command = COMMANDS[args.command];
    if (!command) throw new CanopyError("usage", `unknown command "${args.command}" (see \`canopy help\`)`);
    return await command(io, args);
  } catch (err) {
    const e = isCanopyError(err) ? err : new CanopyError("internal", `internal error: ${(err as Error)?.stack ?? err}`);
    io.stderr(`canopy: ${e.message}\n`);
    return e.exitCode;
  }
}

function help(io: Io, command: string | undefined): number {
  if (command === undefined) {
    io.stdout(overview());
    return 0;
  }
  const text = commandHelp(command);
  if (!text) throw new CanopyError("usage", `no help for unknown command "${command}" (see \`canopy help\`)`);
  io.stdout(text);
  return 0;
}
