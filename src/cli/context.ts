/** What every command works from: the config, its daemon's paths, the client and the output streams. */
import { type CanopyConfig, loadConfig } from "../config/index.ts";
import { type DaemonPaths, resolvePaths } from "../daemon/paths.ts";
import { DaemonClient } from "./client.ts";

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stdoutTty: boolean;
  env: Record<string, string | undefined>;
  cwd: string;
}

export interface Project {
  config: CanopyConfig;
  paths: DaemonPaths;
  client: DaemonClient;
}

/** Loads and validates the config (`-c`, $CANOPY_CONFIG, or canopy.* in cwd) and derives its daemon. */
export function openProject(io: Io, explicit: string | undefined): Project {
  const config = loadConfig({ explicit, env: io.env, cwd: io.cwd });
  const paths = resolvePaths({ configFile: config.file, env: io.env });
  return { config, paths, client: new DaemonClient(paths.socketPath, config.file) };
}

/** Process-backed Io. */
export function processIo(): Io {
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    stdoutTty: Boolean(process.stdout.isTTY),
    env: process.env,
    cwd: process.cwd(),
  };
}
