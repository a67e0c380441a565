/** The validated shape of a `canopy.yaml` (or .toml / .json), as the rest of Canopy consumes it. */
import type { ProbeSpec as ProbeConfig, RestartPolicy } from "../supervisor/types.ts";

/** One service after validation: defaults filled in, paths absolute, durations in ms. */
export interface ServiceConfig {
  name: string;
  /** argv; a `cmd:` string becomes `["/bin/sh", "-c", str]`. */
  cmd: string[];
  /** Absolute working directory. */
  cwd: string;
  /** `env_file` merged under `env`, plus `PORT` when `port` is set. */
  env: Record<string, string>;
  port?: number;
  restart: RestartPolicy;
  maxRestarts: number;
  restartWindowMs: number;
  restartDelayMs: number;
  stopSignal: NodeJS.Signals;
  stopTimeoutMs: number;
  autostart: boolean;
  /** What must be up (or done) before this service starts; conditions filled in. Empty when none. */
  dependsOn: Dependency[];
  /** Readiness probe: `ready:`, else `{ tcp: port }` when `port` is set, else none. */
  ready?: ProbeConfig;
  /** Liveness probe (`alive:`); a service failing it `failureThreshold` times in a row is restarted. */
  alive?: ProbeConfig;
  /** Ceiling of the growing delay between restarts (≥ restartDelayMs). */
  restartMaxDelayMs: number;
  /** Running this long without exiting resets the restart delay back to restartDelayMs. */
  restartResetAfterMs: number;
}

/** What a probe checks, and a probe with its pacing: the supervisor's own types (one definition). */
export type { ProbeCheck, ProbeSpec as ProbeConfig } from "../supervisor/types.ts";

/** What a dependent waits for: the dependency spawned, passing its ready probe, or exited cleanly. */
export type DependencyCondition = "started" | "healthy" | "completed";

/** One `depends_on` entry. */
export interface Dependency {
  service: string;
  condition: DependencyCondition;
}

/** The optional TCP control listener (top-level `control:`). */
export interface ControlConfig {
  /** `host` is as written, without IPv6 brackets. */
  listen: { host: string; port: number };
  /** Absolute path of the file holding the bearer token. */
  tokenFile: string;
  allowNonLoopback: boolean;
}

/** Log file rotation settings (top-level `logs:`). */
export interface LogsConfig {
  maxSizeBytes: number;
  /** Files kept per service, the current one included. */
  maxFiles: number;
  /** false: the files get the bytes alone. Absent (the default) or true: each line carries its time and stream (src/logs/stamp.ts). */
  timestamps?: boolean;
}

/** A whole config file after validation. */
export interface CanopyConfig {
  /** Absolute real path of the config file. */
  file: string;
  /** Folder of `file`; relative paths in the config are resolved against it. */
  dir: string;
  /** In file order. */
  services: ServiceConfig[];
  logs: LogsConfig;
  /** Absent unless `control.listen` is set. */
  control?: ControlConfig;
}

/**
 * One thing wrong with a config file. `field` is a dotted path such as `restart_delay`, `env.PORT`, `cmd[1]` or
 * `logs.max_size`; it is `""` when the problem is the service (or the file) as a whole.
 */
export interface ConfigProblem {
  service?: string;
  field: string;
  message: string;
  /** 1-based line in the config file, when it could be found. */
  line?: number;
}

/** The syntaxes a config file may be written in. */
export type ConfigFormat = "yaml" | "toml" | "json";
