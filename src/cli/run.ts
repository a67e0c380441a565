/** Dispatches a command line to its command; turns every failure into one stderr line and an exit code. */
import { CanopyError, isCanopyError } from "../errors.ts";
import { versionString } from "../version.ts";
import { type ParsedArgs, parseCommandLine } from "./args.ts";
import type { Io } from "./context.ts";
import { commandHelp, overview } from "./help.ts";

type Command = (io: Io, args: ParsedArgs) => Promise<number>;

/**
 * Each command's module, loaded only when that command runs: the daemon process never
 * evaluates the prompt library, the converters or the unit writers, and `--version`
 * evaluates none of them (smaller RSS, faster cold start).
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  up: async () => (await import("./commands/up.ts")).up,
  daemon: async () => (await import("./commands/up.ts")).daemon,
  down: async () => (await import("./commands/down.ts")).down,
  status: async () => (await import("./commands/status.ts")).status,
  logs: async () => (await import("./commands/logs.ts")).logs,
  events: async () => (await import("./commands/events.ts")).events,
  reload: async () => (await import("./commands/reload.ts")).reload,
  signal: async () => (await import("./commands/signal.ts")).signal,
  scale: async () => (await import("./commands/scale.ts")).scale,
  config: async () => (await import("./commands/config.ts")).config,
  convert: async () => (await import("./commands/convert.ts")).convert,
  export: async () => (await import("./commands/export.ts")).exportCommand,
  service: async () => (await import("./commands/service.ts")).service,
  init: async () => (await import("./commands/init.ts")).init,
  doctor: async () => (await import("./commands/doctor.ts")).doctor,
  metrics: async () => (await import("./commands/metrics.ts")).metrics,
  notify: async () => (await import("./commands/notify.ts")).notify,
  "remote-info": async () => (await import("./commands/remote-info.ts")).remoteInfo,
  top: async () => (await import("./commands/top.ts")).top,
  dashboard: async () => (await import("./commands/dashboard.ts")).dashboard,
  start: async () => {
    const { control } = await import("./commands/control.ts");
    return (io, args) => control(io, args, "start");
  },
  stop: async () => {
    const { control } = await import("./commands/control.ts");
    return (io, args) => control(io, args, "stop");
  },
  restart: async () => {
    const { control } = await import("./commands/control.ts");
    return (io, args) => control(io, args, "restart");
  },
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
    const load = COMMANDS[args.command];
    if (!load) throw new CanopyError("usage", `unknown command "${args.command}" (see \`canopy help\`)`);
    // The daemon a `up -d` spawns inherits CANOPY_HOST, and remote-info is what -H runs there: both are local.
    const local = args.command === "remote-info" || args.command === "daemon";
    if (!local && (args.lists?.host !== undefined || io.env.CANOPY_HOST)) {
      const { runRemote } = await import("./remote/run-remote.ts");
      return await runRemote(argv, args, io, async (target) => (await load())(target, args));
    }
    return await (await load())(io, args);
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
