/** What every command works from: the config, its daemon's paths, the client and the output streams. */
import { type CanopyConfig, findConfigFile, loadConfigWithWarnings, type SourceChoice } from "../config/index.ts";
import { type DaemonPaths, resolvePaths } from "../daemon/paths.ts";
import { CanopyError, isCanopyError } from "../errors.ts";
import type { ParsedArgs } from "./args.ts";
import { DaemonClient } from "./client.ts";

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stdoutTty: boolean;
  /** True once whoever read stdout went away (`| head`); a command following a stream then ends. */
  stdoutClosed?: () => boolean;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Set by `-H`: the daemon is another machine's, reached through a forwarded socket (see remote/). */
  remote?: RemoteDaemon;
}

/** Another machine's daemon as `-H` found it: its config file and paths there, its socket here. */
export interface RemoteDaemon {
  /** How output names the machine (the `-H` value). */
  label: string;
  /** The config's path on that machine. */
  file: string;
  /** Its paths there, but `socketPath`: the forwarded socket here. */
  paths: DaemonPaths;
  /** Its config as that machine loaded it, without env values; undefined when it does not validate there. */
  config?: CanopyConfig;
  configError?: string;
  warnings: string[];
}

export interface Project {
  config: CanopyConfig;
  paths: DaemonPaths;
  client: DaemonClient;
}

/**
 * Loads and validates the config (`-c`, $CANOPY_CONFIG, or canopy.* in cwd) and derives its daemon.
 * What the reader skipped or read differently (a process-compose file's unsupported keys) goes to stderr.
 */
export function openProject(io: Io, explicit: string | undefined, opts: { choice?: SourceChoice; daemonOnly?: boolean } = {}): Project {
  if (io.remote) return openRemoteProject(io, io.remote);
  // A command that only talks to the daemon needs the names, not this shell's variables: the daemon resolved them with its own.
  const unsetVariables = opts.daemonOnly ? "empty" : "refuse";
  const { config, warnings } = loadConfigWithWarnings({ explicit, env: io.env, cwd: io.cwd, unsetVariables, ...(opts.choice ? { choice: opts.choice } : {}) });
  printWarnings(io, warnings);
  const paths = resolvePaths({ configFile: config.file, env: io.env });
  return { config, paths, client: new DaemonClient(paths.socketPath, config.file) };
}

/** The daemon of a config, found without validating the config: for commands that only talk to the daemon. */
export interface DaemonHandle {
  /** Absolute real path of the config file. */
  file: string;
  paths: DaemonPaths;
  client: DaemonClient;
}

/**
 * Finds the config file like `openProject` but does not read it: `reload` must reach the daemon
 * to hear why it refuses an edited config, and `down` must stop a daemon whose config was broken since.
 */
export function openDaemon(io: Io, explicit: string | undefined): DaemonHandle {
  if (io.remote) return remoteHandle(io.remote);
  const file = findConfigFile({ explicit, env: io.env, cwd: io.cwd });
  const paths = resolvePaths({ configFile: file, env: io.env });
  return { file, paths, client: new DaemonClient(paths.socketPath, file) };
}

/** A project whose config may not load: the daemon is still reachable, and runs the config it last loaded. */
export interface LenientProject extends DaemonHandle {
  /** Undefined when the file no longer validates (the warning said why). */
  config?: CanopyConfig;
}

/**
 * `openProject` for commands that mostly talk to the daemon (status, start/stop/restart):
 * a config broken by an edit is a warning, not a refusal, since the daemon runs the one it
 * last loaded. A missing config file is still an error.
 */
export function openProjectLenient(io: Io, explicit: string | undefined): LenientProject {
  if (io.remote?.config === undefined && io.remote?.configError !== undefined) {
    io.stderr(`canopy: warning: ${io.remote.configError}\ncanopy: warning: the daemon on ${io.remote.label} keeps the config it last loaded\n`);
    return remoteHandle(io.remote);
  }
  const daemon = openDaemon(io, explicit);
  try {
    return { ...daemon, config: openProject(io, explicit, { daemonOnly: true }).config };
  } catch (err) {
    if (!isCanopyError(err) || err.error_type !== "invalid_config") throw err;
    io.stderr(`canopy: warning: ${err.message}\ncanopy: warning: the daemon (if one runs) keeps the config it last loaded\n`);
    return daemon;
  }
}

/** The remote daemon's handle: messages name the file and the machine. */
function remoteHandle(remote: RemoteDaemon): DaemonHandle {
  return { file: remote.file, paths: remote.paths, client: new DaemonClient(remote.paths.socketPath, `${remote.file} on ${remote.label}`) };
}

function openRemoteProject(io: Io, remote: RemoteDaemon): Project {
  if (remote.config === undefined) throw new CanopyError("invalid_config", `on ${remote.label}: ${remote.configError ?? "the config did not load"}`);
  printWarnings(io, remote.warnings);
  return { config: remote.config, paths: remote.paths, client: remoteHandle(remote).client };
}

/** `-p PORT` and `--env NAME` as a SourceChoice; a port that is not one is a usage error. */
export function choiceOf(args: ParsedArgs): SourceChoice {
  const choice: SourceChoice = {};
  const { port, env } = args.flags;
  if (typeof port === "string") {
    const n = /^\d+$/.test(port) ? Number(port) : Number.NaN;
    if (!(n >= 1 && n <= 65_535)) throw new CanopyError("usage", `-p/--port expects a port from 1 to 65535, got ${JSON.stringify(port)}`);
    choice.port = n;
  }
  if (typeof env === "string") {
    if (!/^[A-Za-z0-9_-]+$/.test(env)) throw new CanopyError("usage", `--env expects a name such as production, got ${JSON.stringify(env)}`);
    choice.env = env;
  }
  return choice;
}

/** One `canopy: warning: …` line per warning, on stderr. */
export function printWarnings(io: Io, warnings: string[]): void {
  for (const w of warnings) io.stderr(`canopy: warning: ${w}\n`);
}
