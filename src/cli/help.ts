/** The help texts: one per command, in one shape (usage, what it does, options, exit codes). */

const EXIT_CODES = "Exit codes: 0 ok, 1 the operation failed, 2 usage or config error, 3 no daemon running.";

/** Usage of each command. */
export const COMMAND_HELP: Record<string, string> = {
  up: `canopy up [-d] [-c FILE] [-p PORT] [--env NAME]
  Start the daemon for the config and its autostart services.
  FILE may be canopy's own, a Procfile, a process-compose file, a PM2 ecosystem file (.js, .cjs,
  .mjs, .json, .yaml; a JavaScript one is run only when named with -c) or a supervisord.conf.
  -p PORT is a Procfile's base port, as \`foreman start -p\` (default: PORT from .env or the
  environment, else 5000; each process type gets 100 more). --env NAME takes PM2's env_NAME.
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
  depend on. A service whose dependencies are not up yet is "waiting" and starts once they are.
  A service with replicas: NAME is every replica, NAME.2 the second alone (as for stop and restart).`,
  stop: `canopy stop NAME... | --all [-c FILE]
  Stop services: the stop signal to the whole group, SIGKILL after stop_timeout.
  --all stops dependents before what they depend on.`,
  restart: `canopy restart NAME... | --all [--rolling] [-c FILE]
  Stop and start services again (--all: stops in reverse dependency order, starts in order).
  --rolling     a service's replicas one at a time, lowest first, each once the one before is
                ready again (its readiness check), so some replica always serves; stops at a
                replica that is not ready after its restart (exit 1).`,
  scale: `canopy scale NAME=N... [-c FILE]
  Run N replicas of a service from now on (NAME.1 … NAME.N; one runs as plain NAME): new ones start
  (if the service is running), the highest-numbered stop first, the others keep their pids. The
  count holds until a reload that changes the service's replicas:, or the daemon stops.`,
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
canopy reload NAME... [-c FILE]
  Without names: make the daemon re-read its config and apply only the difference: removed
  services stop, changed ones restart with their new settings, added ones start, unchanged ones
  keep running (same pid). Prints the plan: "+ added", "- removed", "~ changed", "= N unchanged",
  and warnings. --dry-run prints the plan and changes nothing. An invalid config is refused
  (exit 2) and nothing changes. Sending the daemon SIGHUP reloads too. \${NAME} references
  resolve from the daemon's environment (that of the \`canopy up\` that started it), not this shell's.
  With names: reload those services' own configuration without re-reading canopy's: a running
  service with a reload_signal is sent it (same pid); any other is restarted.`,
  signal: `canopy signal NAME... SIGNAL [-c FILE]
  Send SIGNAL (SIGUSR1, usr1, HUP, …) to each service's process group. Exit 1 if a service is
  unknown or not running.`,
  config: `canopy config [--json] [-c FILE]
  Print the config as canopy resolves it: \${NAME} references replaced (from this shell's
  environment: a running daemon resolved them from its own), env_file merged into env, env
  values shown as (redacted). As canopy.yaml, defaults left out; --json prints every setting,
  defaults included, durations in ms. A config that does not load is refused (exit 2).`,
  convert: `canopy convert FILE [-o OUT] [--force] [-p PORT] [--env NAME]
  Read a Procfile, a process-compose file, a PM2 ecosystem file or a supervisord.conf (or any
  config canopy reads) and write the equivalent canopy.yaml: to OUT, by default canopy.yaml beside
  FILE. An existing file is kept unless --force; -o - writes to stdout. What canopy skips or reads
  differently goes to stderr, and into the file as a comment above the service it concerns.
  -p and --env as for \`canopy up\`.`,
  export: `canopy export --to systemd|kubernetes|compose [-o DIR] [--image IMAGE] [--force] [-c FILE]
  Write the same stack for another engine: systemd units and a target, Kubernetes Deployments
  and Services, or a compose.yaml; to DIR (existing files kept unless --force), else to stdout.
  Kubernetes and compose need an image per service: its image: key, else --image.
  What does not map (probes systemd lacks, ordering Kubernetes lacks, ...) is named in one warning.`,
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
  doctor: `canopy doctor [-c FILE] [-p PORT] [--env NAME]
  Check the setup, one line per check: the config loads (for a foreign file: a warn line for each
  way canopy will run it differently from its own tool); each service's command resolves on its
  PATH; each port is free or held by that service under this config's daemon; the state and
  socket folders are usable and private; whether a daemon runs. Each failure says how to fix it.
  Exit 1 when any check fails.`,
  metrics: `canopy metrics [-c FILE]
  Print the daemon's metrics in the Prometheus text format (what GET /metrics answers): each
  service's up, ready, restarts, start time, CPU seconds, memory and log lines, the daemon's own.
  Sampled now; a daemon nobody scrapes does no sampling.`,
  notify: `canopy notify --test [--json] [-c FILE]
  Send a sample event (event "test") through the notifiers in the running daemon's notify:
  config, one attempt each, and print how each went. Exit 1 when one failed (it is also in
  daemon.log and counted in canopy_notify_failures_total).
  --json prints {"event":{...},"results":[{"notifier","ok","error"}]}.`,
  top: `canopy top [-c FILE]
  Watch and steer every service live, full-screen: status, pid, uptime, restarts, CPU and
  memory with a minute's sparklines, ready, and why; a log pane that follows the selected
  service (or all). Keys: up/down or k/j select, Enter log pane, a all logs, / filter logs,
  s start, x stop (asks), r restart, R reload (shows the plan, asks), ? help, q or Ctrl-C quit.
  Needs a terminal (use \`canopy status\` in scripts: exit 2 without one). When the daemon
  stops, top says so and waits for it to come back.`,
  dashboard: `canopy dashboard [--listen HOST:PORT] [-c FILE]
  Serve a web dashboard for the config's running daemon until Ctrl-C, and print its URL, which
  carries a fresh token (http://127.0.0.1:7474/?token=...). --listen 127.0.0.1:0 picks a free port.
  Only loopback unless --listen names another address (then anyone with the token controls the
  services). From a laptop: ssh -L 7474:127.0.0.1:7474 SERVER canopy dashboard`,
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
  start|stop|restart   control services by NAME (NAME.2: one replica) or --all
  restart --rolling    restart a service's replicas one at a time, each once the last is ready
  scale NAME=N         run N replicas of a service from now on
  logs [-n N] [-f]     query or follow logs
  events [-n N] [-f]   print or follow what happened (starts, exits, restarts)
  reload [--dry-run]   apply config changes to the running daemon
  reload NAME...       reload services in place (reload_signal) or restart them
  signal NAME... SIG   send a signal to services' process groups
  config [--json]      print the config as canopy resolves it (env values redacted)
  convert FILE         write canopy.yaml from a Procfile, process-compose, PM2 or supervisord file
  export --to ENGINE   write the stack as systemd units, Kubernetes manifests or compose.yaml
  init                 write a canopy.yaml (asks, or --name/--cmd/--port)
  doctor               check config, commands, ports and folders
  metrics              print the Prometheus metrics
  notify --test        send a sample event through the configured notifiers
  top                  watch and steer every service live, full-screen
  service install      run canopy under systemd or launchd (uninstall removes it)
  dashboard            serve a web dashboard for the running daemon (prints its URL)
  help [COMMAND]       show help for a command

The config is -c FILE, else $CANOPY_CONFIG, else canopy.yaml|yml|toml|json in this folder.
-H ssh://[user@]host[:port] (repeatable for status; or $CANOPY_HOST) works on that machine's
daemon over your ssh; -c then names the config there. Exit 4: ssh failed; 5: no canopy there.
${EXIT_CODES}
`;
}

/** Help for one command, or undefined when there is no such command. */
export function commandHelp(command: string): string | undefined {
  const text = COMMAND_HELP[command];
  return text && `${text}\n\n${EXIT_CODES}\n`;
}
