/** Command-line parsing: `canopy [-c FILE] COMMAND [options] [NAMES…]`, options before or after the command. */
import { CanopyError } from "../errors.ts";
import { OptionError, type OptionSpec, parseOptions } from "./parse-options.ts";

const GLOBAL: Record<string, OptionSpec> = {
  config: { type: "string", short: "c" },
  host: { type: "string", short: "H", multiple: true },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
};

/** Options that choose among a foreign file's variants: a Procfile's base port (`foreman start -p`), a PM2 env (`pm2 start --env`). */
const CHOICE_OPTIONS: Record<string, OptionSpec> = { port: { type: "string", short: "p" }, env: { type: "string" } };

/** Each command's own options. */
export const COMMAND_OPTIONS: Record<string, Record<string, OptionSpec>> = {
  up: { detach: { type: "boolean", short: "d" }, ...CHOICE_OPTIONS },
  down: {},
  status: { json: { type: "boolean" } },
  start: { all: { type: "boolean" } },
  stop: { all: { type: "boolean" } },
  restart: { all: { type: "boolean" }, rolling: { type: "boolean" } },
  scale: {},
  signal: {},
  config: { json: { type: "boolean" } },
  logs: {
    lines: { type: "string", short: "n" },
    follow: { type: "boolean", short: "f" },
    timestamps: { type: "boolean", short: "t" },
    since: { type: "string" },
    until: { type: "string" },
    grep: { type: "string" },
    stderr: { type: "boolean" },
    json: { type: "boolean" },
  },
  events: { lines: { type: "string", short: "n" }, follow: { type: "boolean", short: "f" }, json: { type: "boolean" } },
  reload: { "dry-run": { type: "boolean" } },
  convert: { output: { type: "string", short: "o" }, force: { type: "boolean" }, ...CHOICE_OPTIONS },
  export: { to: { type: "string" }, output: { type: "string", short: "o" }, image: { type: "string" }, force: { type: "boolean" } },
  service: { user: { type: "boolean" }, system: { type: "boolean" }, print: { type: "boolean" }, ...CHOICE_OPTIONS },
  init: {
    name: { type: "string", multiple: true },
    cmd: { type: "string", multiple: true },
    port: { type: "string", multiple: true },
    force: { type: "boolean" },
  },
  doctor: { ...CHOICE_OPTIONS },
  metrics: {},
  notify: { test: { type: "boolean" }, json: { type: "boolean" } },
  top: {},
  dashboard: { listen: { type: "string" } },
  help: {},
  version: {},
  daemon: { ...CHOICE_OPTIONS },
  "remote-info": {},
};

export interface ParsedArgs {
  command: string | undefined;
  positionals: string[];
  config?: string;
  help: boolean;
  version: boolean;
  flags: Record<string, string | boolean | undefined>;
  /** Values of repeatable options (`multiple: true`), in command-line order; such options are not in `flags`. */
  lists?: Record<string, string[]>;
}

/** Parses argv (without the program); unknown commands and flags are usage errors. */
export function parseCommandLine(argv: string[]): ParsedArgs {
  const command = findCommand(argv);
  if (command !== undefined && !(command in COMMAND_OPTIONS)) {
    throw new CanopyError("usage", `unknown command "${command}" (see \`canopy help\`)`);
  }
  if (isDaemonLine(argv)) return { command, positionals: [], config: argv[2], help: false, version: false, flags: {}, lists: {} };
  const options = { ...GLOBAL, ...(command ? COMMAND_OPTIONS[command] : {}) };
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(argv, options);
  } catch (err) {
    if (!(err instanceof OptionError)) throw err;
    throw new CanopyError("usage", `${err.message.split("\n")[0]} (see \`canopy help ${command ?? ""}\`)`.replace(" )", ")"));
  }
  const { config, help, version, ...flags } = parsed.values as Record<string, string | boolean | undefined>;
  const positionals = parsed.positionals.slice(command === undefined ? 0 : 1);
  const lists: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(flags)) {
    if (!Array.isArray(value)) continue;
    lists[name] = value as string[];
    delete flags[name];
  }
  return {
    command,
    positionals,
    config: typeof config === "string" ? config : undefined,
    help: help === true,
    version: version === true,
    flags,
    lists,
  };
}

/**
 * The command lines that become a daemon — `daemon -c FILE` (what `up -d` runs) and `up -c FILE`
 * (what the systemd and launchd units run) — read as parseOptions would read them, without building its tables.
 */
function isDaemonLine(argv: string[]): argv is [string, "-c", string] {
  return argv.length === 3 && (argv[0] === "daemon" || argv[0] === "up") && argv[1] === "-c" && !(argv[2] as string).startsWith("-");
}

/**
 * Every option that takes a value, as written on the command line (`-c`, `--config`, `-n`, …).
 * Plain loops, not nested flatMap: at every start the callbacks ran often enough for JavaScriptCore
 * to baseline-compile them (and flatIntoArray); `canopy --version` 32.5 → 31.3 ms without.
 */
const VALUE_OPTIONS = new Set<string>();
for (const options of [GLOBAL, ...Object.values(COMMAND_OPTIONS)]) {
  for (const name in options) {
    const spec = options[name] as OptionSpec;
    if (spec.type !== "string") continue;
    VALUE_OPTIONS.add(`--${name}`);
    if (spec.short) VALUE_OPTIONS.add(`-${spec.short}`);
  }
}

/** The first word that is not an option or an option's value. */
function findCommand(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (VALUE_OPTIONS.has(arg)) {
      i++;
      continue;
    }
    if (arg.startsWith("-")) continue;
    return arg;
  }
  return undefined;
}
