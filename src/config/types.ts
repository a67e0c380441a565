/** The validated shape of a `canopy.yaml` (or .toml / .json), as the rest of Canopy consumes it. */
import type { CgroupLimits } from "../os/cgroup/files.ts";
import type { ResourceLimits } from "../os/resource-limits.ts";
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
  /** Container image (`image:`), read only by `canopy export --to kubernetes|compose`. */
  image?: string;
  /** The `env_file` it read (absolute), the variables that came from it, and those of it that `env` or `port` override: for export. */
  envFile?: { path: string; keys: string[]; shadowed: string[] };
  /** `success_exit_codes`: exit codes that are a clean exit, when other than just 0. */
  successExitCodes?: number[];
  /** `min_uptime`: an exit sooner than this is a failed start (retried whatever `restart` says); absent when 0. */
  minUptimeMs?: number;
  /** `reload_signal`: what `canopy reload NAME` sends the running group instead of restarting it. */
  reloadSignal?: NodeJS.Signals;
  /** `user:` and `group:` as written (a name or an id). */
  user?: string | number;
  group?: string | number;
  /** `schedule:` a cron expression (as written, trimmed): run on its ticks instead of being kept up; never restarted. */
  schedule?: string;
  /** The account they resolve to when the config is loaded; its HOME, USER, LOGNAME and SHELL are in `env`. */
  runAs?: RunAs;
  /** `max_memory` in bytes: the group's resident memory over it for a few samples in a row restarts the service as a crash. */
  maxMemoryBytes?: number;
  /** `nice`: the niceness the service runs at, -20…19. */
  nice?: number;
  /** `limits`: resource limits set on the service before its program runs (Linux). */
  limits?: ResourceLimits;
  /** `replicas`: how many copies run (`NAME.1` … `NAME.N`); absent when 1. */
  replicas?: number;
  /** Set on one replica's settings (see replicas.ts): the service it is a copy of, and which copy (1-based). */
  replica?: { of: string; index: number };
  /**
   * `memory_max`, `cpus`, `pids_max`: written to the service's cgroup, enforced by the kernel (cgroup mode only).
   * Unlike `max_memory` (sampled RSS, a restart by canopy), `memory_max` is a hard ceiling: the kernel OOM-kills at it.
   */
  cgroupLimits?: CgroupLimits;
}

/** The account a service runs as: ids from /etc/passwd and /etc/group, supplementary groups as initgroups(3) gives them. */
export interface RunAs {
  user: string;
  uid: number;
  /** The primary group: `group:`, else the user's own. */
  group: string;
  gid: number;
  /** Supplementary gids, the primary one included. */
  groups: number[];
  home: string;
  shell: string;
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

/**
 * The events `notify:` can name: the supervisor's, `liveness_failed` (an exit forced by a failed
 * liveness check) and `memory_exceeded` (one forced by `max_memory`).
 */
export const NOTIFY_EVENTS = [
  "started", "ready", "exited", "restarting", "gave_up", "stopped", "start_failed", "liveness_failed", "memory_exceeded",
] as const;

export type NotifyEventName = (typeof NOTIFY_EVENTS)[number];

/** Alerts (top-level `notify:`): at least one of `command` and `webhook`. */
export interface NotifyConfig {
  events: NotifyEventName[];
  /** argv; a string becomes `["/bin/sh", "-c", str]`. Runs in the config's folder. */
  command?: string[];
  /** An http(s) URL the event JSON is POSTed to. */
  webhook?: string;
  /** Per attempt. */
  timeoutMs: number;
  /** Attempts after the first failed one. */
  retries: number;
  /** Delay before the first retry; doubles for each one after. */
  retryDelayMs: number;
  /** Events waiting per notifier before new ones are dropped (and counted). */
  queue: number;
}

/** Log file rotation settings (top-level `logs:`). */
export interface LogsConfig {
  maxSizeBytes: number;
  /** Files kept per service, the current one included. */
  maxFiles: number;
  /** false: the files get the bytes alone. Absent (the default) or true: each line carries its time and stream (src/logs/stamp.ts). */
  timestamps?: boolean;
}

/** What the command line chose among a foreign file's variants: foreman's base port (`up -p`), PM2's `env_<name>` (`up --env`). */
export interface SourceChoice {
  port?: number;
  env?: string;
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
  /** Absent without `notify:`. */
  notify?: NotifyConfig;
  /** The choice the file was read with, kept so a reload reads it the same way. */
  choice?: SourceChoice;
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
