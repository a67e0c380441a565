/** Types shared by the Supervisor, its seams and everything built on it. */
import type { TargetAccount } from "../os/privilege-drop.ts";
import type { CgroupLimits } from "../os/cgroup/files.ts";
import type { CgroupPlacement } from "../os/cgroup/placement.ts";
import type { ResourceLimits } from "../os/resource-limits.ts";

/** Lifecycle of one supervised service. `completed`: a clean exit under a non-`always` policy. */
export type ServiceStatus = "starting" | "running" | "restarting" | "stopped" | "crashed" | "completed";

/** When an exit nobody asked for is followed by a respawn. */
export type RestartPolicy = "always" | "on-failure" | "never";

/** What to start, and how to keep it running. Only `short` and `cmd` are required. */
export interface SpawnRequest {
  /** The service name; also the `[short] ` output prefix. */
  short: string;
  /** argv, executed directly (no shell). */
  cmd: string[];
  /** Merged over the daemon's environment at spawn time. `PORT` here turns on the readiness gate. */
  env?: Record<string, string>;
  cwd?: string;
  restart?: RestartPolicy;
  maxRestarts?: number;
  restartWindowMs?: number;
  restartDelayMs?: number;
  stopSignal?: NodeJS.Signals;
  /** How long after `stopSignal` before SIGKILL. */
  killTimeoutMs?: number;
  /** Readiness check; without one, `env.PORT` is probed over TCP (unless `envPortGate` is false). */
  ready?: ProbeSpec;
  /**
   * False: `env.PORT` is only handed to the child, no readiness check is derived from it. The daemon sets
   * this — a config states its checks in `ready` (`port:` fills it) — so a PORT from the environment alone
   * (foreman's PORT for a worker that listens on nothing) does not hold the service at the gate. Default true.
   */
  envPortGate?: boolean;
  /** Liveness check: `failureThreshold` failures in a row restart the group. */
  alive?: ProbeSpec;
  /** Cap of the doubling restart delay. */
  restartMaxDelayMs?: number;
  /** A run this long without crashing resets the doubling. */
  restartResetAfterMs?: number;
  /** Exit codes that are a clean exit (`completed`; not restarted under `on-failure`). Default `[0]`. */
  successExitCodes?: number[];
  /** An exit sooner than this after the spawn is a failed start, restarted (and counted) whatever the policy. */
  minUptimeMs?: number;
  /** Run as this account (uid, gid, supplementary groups); the spawn fails with `privilege_drop_failed` if it cannot. */
  user?: TargetAccount;
  /** The niceness to run at (absolute, -20…19), set by an exec prefix before `cmd` runs. */
  nice?: number;
  /** Resource limits set by an exec prefix (prlimit) before `cmd` runs; Linux only. */
  limits?: ResourceLimits;
  /** `memory_max`, `cpus`, `pids_max`: written to the service's cgroup (needs a Containment). */
  cgroupLimits?: CgroupLimits;
  /** Set by the Supervisor under cgroup containment: the cgroup the child is forked in (see os/cgroup/placement.ts). */
  cgroup?: CgroupPlacement;
}

/** The slice of a child process the Supervisor needs (Bun's Subprocess fits). */
export interface SupervisedProc {
  pid: number;
  /** Resolves with the exit code; a signal death gives 128+n (Bun) or null. */
  exited: Promise<number | null>;
  stdout: ReadableStream<Uint8Array> | null | undefined | number;
  stderr: ReadableStream<Uint8Array> | null | undefined | number;
  kill(signal?: NodeJS.Signals | number): void;
  /** Set by Bun once a signal has killed the child. */
  readonly signalCode?: NodeJS.Signals | string | number | null;
}

/** One health check. `tcp` connects to 127.0.0.1; `http` wants a 2xx; `exec` exit 0; `log` a matching output line; `notify` sd_notify READY=1. */
export type ProbeCheck =
  | { kind: "tcp"; port: number }
  | { kind: "http"; url: string }
  | { kind: "exec"; cmd: string[] }
  | { kind: "log"; pattern: string }
  | { kind: "notify" };

/** A check and its pacing. `failureThreshold` counts consecutive failures (liveness). */
export interface ProbeSpec {
  check: ProbeCheck;
  intervalMs: number;
  timeoutMs: number;
  initialDelayMs: number;
  failureThreshold: number;
}

/** Sends `signal` to the process group led by `pid`. */
export type KillFn = (pid: number, signal: NodeJS.Signals | number) => void;
/** Descriptors the Supervisor opened for a spawn's stdout and stderr, to use instead of new pipes. */
export interface SpawnIo {
  stdout: number;
  stderr: number;
}
/** Spawns `req`; `io`, when given, holds the child's stdout and stderr (a spawner may ignore it: pipes are read then). */
export type SpawnFn = (req: SpawnRequest, io?: SpawnIo) => SupervisedProc;
export type SleepFn = (ms: number) => Promise<void>;
export type PortListeningFn = (port: number) => Promise<boolean>;
export type WhichFn = (binary: string, options?: { PATH?: string; cwd?: string }) => string | null;
/** True while any process is left in the group led by `pid`. */
export type GroupAliveFn = (pid: number) => boolean;

/** A structured reason a service is not doing what it was asked to. */
export interface StartError {
  error_type: "started_but_unbound" | "not_ready" | "missing_dependency" | "spawn_failed" | "port_in_use" | "dependency_failed" | "privilege_drop_failed";
  error_description: string;
  /** ISO time it was recorded. */
  at: string;
  /** For `missing_dependency`: the binary that could not be resolved. */
  binary?: string;
  /** For `port_in_use`: the process holding the port, when it can be found. */
  pid?: number;
  command?: string;
}

/** A snapshot of one service, as `start`/`get`/`list` return it. */
export interface ServiceState {
  short: string;
  status: ServiceStatus;
  pid?: number;
  /** ISO time the current (or last) child was spawned. */
  startedAt?: string;
  restartsInWindow: number;
  lastCrashAt?: string;
  lastExitCode?: number | null;
  /** Name of the signal that ended the last child, if one did. */
  exitSignal?: string;
  startError?: StartError;
  /** The readiness probe passed (or there is none) for the current child. */
  ready: boolean;
  /** Why the service last ended on its own, in words ("exited with code 1", "restarted: liveness probe failed …"). */
  reason?: string;
  /** ISO time of the pending respawn, while `restarting`. */
  nextRestartAt?: string;
  cmd: string[];
  port?: number;
}

/** Something that happened to a service; the daemon records these and streams them. */
export type SupervisorEvent =
  | { type: "started"; service: string; pid: number; at: string }
  | { type: "ready"; service: string; pid: number; at: string }
  | { type: "exited"; service: string; pid: number; exitCode: number | null; signal?: string; at: string; livenessFailure?: string; memoryExceeded?: string }
  | { type: "restarting"; service: string; delayMs: number; at: string }
  | { type: "gave_up"; service: string; crashes: number; at: string }
  | { type: "stopped"; service: string; at: string }
  | { type: "start_failed"; service: string; error: StartError; at: string };

/**
 * A run of a service's output: one or more whole lines, each ending in "\n", as one
 * chunk of its pipe brought them. The cheap way to take a flood (one call per chunk).
 */
export interface OutputRun {
  service: string;
  stream: "stdout" | "stderr";
  /** The raw bytes, newlines included, valid only during the callback: copy to keep. */
  bytes: Uint8Array;
  /** epoch ms */
  at: number;
}

/** One line of a service's output, without prefix or newline. */
export interface LogLine {
  service: string;
  stream: "stdout" | "stderr";
  readonly text: string;
  /** The line's raw bytes (no newline), valid only during the callback: copy to keep. */
  bytes: Uint8Array;
  /** epoch ms */
  at: number;
}
