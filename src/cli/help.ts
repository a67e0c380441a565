/** The help texts: one per command, in one shape (usage, what it does, options, exit codes). */

const EXIT_CODES = "Exit codes: 0 ok, 1 the operation failed, 2 usage or config error, 3 no daemon running.";

/** Usage of each command. */
export const COMMAND_HELP: Record<string, string> = {
  up: `canopy up [-d] [-c FILE]
  Start the daemon for the config and its autostart services.
  Without -d it runs in the foreground, streaming every service's output; Ctrl-C stops all.
  With -d it runs in the background and returns once every service started (exit 0) or failed (exit 1).
  Against a running daemon, starts whatever is stopped and returns.`,
  down: `canopy down [-c FILE]
  Stop every service (whole process groups) and the daemon.`,
  status: `canopy status [NAME...] [--json] [-c FILE]
  Show each service: status, pid, port, uptime, restarts, start error.
  --json prints {"daemon":{...},"services":[...]}.`,
  start: `canopy start NAME... | --all [-c FILE]
  Start services (a fresh start clears a crashed service's restart budget).`,
  stop: `canopy stop NAME... | --all [-c FILE]
  Stop services: the stop signal to the whole group, SIGKILL after stop_timeout.`,
  restart: `canopy restart NAME... | --all [-c FILE]
  Stop and start services again.`,
  logs: `canopy logs [NAME...] [-n N] [-f] [-c FILE]
  Print the last N lines (default 100) of the services' logs; -f follows, merged with prefixes.
  Works without a daemon (reads the log files); -f needs one.`,
  help: `canopy help [COMMAND]
  Show help for a command.`,
  version: `canopy --version
  Print the version and the commit it was built from.`,
};

/** The overview `canopy help` prints. */
export function overview(): string {
  return `canopy — keeps your services running

Usage: canopy [-c FILE] COMMAND [options]

Commands:
  up [-d]              start the daemon and the services (foreground, or -d in background)
  down                 stop every service and the daemon
  status [--json]      show services
  start|stop|restart   control services by NAME or --all
  logs [-n N] [-f]     print or follow logs
  help [COMMAND]       show help for a command

The config is -c FILE, else $CANOPY_CONFIG, else canopy.yaml|yml|toml|json in this folder.
${EXIT_CODES}
`;
}

/** Help for one command, or undefined when there is no such command. */
export function commandHelp(command: string): string | undefined {
  const text = COMMAND_HELP[command];
  return text && `${text}\n\n${EXIT_CODES}\n`;
}
