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
  Show each service: status, ready, pid, port, CPU, memory, uptime, restarts, and why it is in
  its state (waiting for a dependency, blocked by one, last exit, next restart, gave up).
  Statuses: starting, running, completed, restarting, crashed, stopped, waiting (for its
  dependencies), blocked (a dependency failed).
  --json prints {"daemon":{...},"services":[...]}, with ready, cpu_percent, memory_bytes and reason.`,
  start: `canopy start NAME... | --all [-c FILE]
  Start services (a fresh start clears a crashed service's restart budget), and what they
  depend on. A service whose dependencies are not up yet is "waiting" and starts once they are.`,
  stop: `canopy stop NAME... | --all [-c FILE]
  Stop services: the stop signal to the whole group, SIGKILL after stop_timeout.
  --all stops dependents before what they depend on.`,
  restart: `canopy restart NAME... | --all [-c FILE]
  Stop and start services again (--all: stops in reverse dependency order, starts in order).`,
  logs: `canopy logs [NAME...] [-n N] [-t] [--since T] [--until T] [--grep RE] [--stderr] [--json] [-f] [-c FILE]
  Query the services' log files (rotated ones too), merged in time order. Works without a daemon; -f needs one.
  -n N          the last N matching lines (default 100 unless --since/--until is given)
  -t            show each line's time (local, to the ms)
  --since T     from T on: 10m, 2h, 1h30m back from now, or 2026-12-05T03:00 (local unless Z or ±HH:MM)
  --until T     up to T (inclusive), same forms
  --grep RE     only lines matching the regular expression
  --stderr      only stderr lines
  --json        NDJSON: {"ts","service","stream","line"} per line
  -f            then follow new lines through the same filters`,
  events: `canopy events [-n N] [-f] [--json] [-c FILE]
  Print the last N (default 100) things that happened to the services, oldest first, one per line:
  <time> <service> <type> [pid N] [exit CODE [SIGNAL]] [in DELAY] [after N crashes] [— reason]
  Types: started, ready, exited, restarting, gave_up, stopped, start_failed.
  -f follows: prints new events as they happen, until the daemon stops.
  --json prints each event as a raw JSON line.`,
  reload: `canopy reload [--dry-run] [-c FILE]
  Make the daemon re-read its config and apply only the difference: removed services stop,
  changed ones restart with their new settings, added ones start, unchanged ones keep running
  (same pid). Prints the plan: "+ added", "- removed", "~ changed", "= N unchanged", and warnings.
  --dry-run prints the plan and changes nothing. An invalid config is refused (exit 2) and
  nothing changes. Sending the daemon SIGHUP reloads too.`,
  convert: `canopy convert FILE [-o OUT] [--force]
  Read a Procfile, a process-compose file (or any config canopy reads) and write the equivalent
  canopy.yaml: to OUT, by default canopy.yaml beside FILE. An existing file is kept unless
  --force; -o - writes to stdout. What canopy skips or reads differently goes to stderr.`,
  service: `canopy service install|uninstall [--user|--system] [--print] [-c FILE]
  install writes a systemd unit (Linux) or a launchd plist (macOS) that runs this canopy
  executable as \`canopy up -c <config>\` in the foreground, restarted when it fails; stopping
  it lets canopy stop its services. It prints the commands that enable and start it.
  --user: ~/.config/systemd/user or ~/Library/LaunchAgents (the default unless root);
  --system: /etc/systemd/system or /Library/LaunchDaemons (the default for root).
  --print shows the file instead of writing it. uninstall removes it (and systemd's enable links).`,
  init: `canopy init [--name NAME --cmd CMD [--port N]]... [--force]
  Write a canopy.yaml in this folder. On a terminal it asks, proposing services from a Procfile
  and package.json scripts; without one, give each service --name and --cmd (and --port, for
  all or none; --port "" for none). The file is checked by loading it before it is written.
  An existing config is kept unless --force. Cancelling writes nothing (exit 1).`,
  doctor: `canopy doctor [-c FILE]
  Check the setup, one line per check: the config loads; each service's command resolves on its
  PATH; each port is free or held by that service under this config's daemon; the state and
  socket folders are usable and private; whether a daemon runs. Each failure says how to fix it.
  Exit 1 when any check fails.`,
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
  logs [-n N] [-f]     query or follow logs
  events [-n N] [-f]   print or follow what happened (starts, exits, restarts)
  reload [--dry-run]   apply config changes to the running daemon
  convert FILE         write canopy.yaml from a Procfile or process-compose file
  init                 write a canopy.yaml (asks, or --name/--cmd/--port)
  doctor               check config, commands, ports and folders
  service install      run canopy under systemd or launchd (uninstall removes it)
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
