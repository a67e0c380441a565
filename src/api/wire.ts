/** The control API's JSON shapes (snake_case on the wire), shared by daemon and CLI. */
import type { ScheduleView } from "../orchestration/scheduler.ts";
import type { ServiceState, StartError } from "../supervisor/types.ts";

/** One service as the API and `status --json` show it. Never carries env values. */
/** A service's status as the API shows it: the supervisor's, or why it is held back. */
export type ViewStatus = ServiceState["status"] | "waiting" | "blocked";

export interface ServiceView {
  name: string;
  status: ViewStatus;
  /** The readiness probe passed (or there is none) for the current process. */
  ready: boolean;
  pid: number | null;
  port: number | null;
  /** Crashes counted in the current restart window. */
  restarts: number;
  started_at: string | null;
  exit_code: number | null;
  exit_signal: string | null;
  start_error: StartError | null;
  next_restart_at: string | null;
  last_crash_at: string | null;
  /** Why it last ended on its own, in words. */
  reason: string | null;
  autostart: boolean;
  /** The account it runs as (`user:`/`group:`); null: the daemon's own. */
  user: { name: string; uid: number; group: string; gid: number } | null;
  /** While `waiting`: the dependencies it waits for (absent otherwise). */
  waiting_for?: string[];
  /** A `schedule:` service's schedule: its next tick, its last run (absent for other services). */
  schedule?: ScheduleView;
  /** One copy of a service with `replicas:` (`name` is `web.2`): the service and which copy (absent for a plain service). */
  replica?: { service: string; index: number };
  /** CPU and resident memory summed over the service's process group; null when not running. */
  cpu_percent: number | null;
  memory_bytes: number | null;
}

/**
 * What a route on one name answers when the name is a service with replicas (`web`, not `web.2`): every replica's
 * view. A plain service, or one replica, answers its ServiceView.
 */
export interface GroupView {
  name: string;
  services: ServiceView[];
}

/** A single service's view, or its replicas' (see GroupView). */
export type ServiceResult = ServiceView | GroupView;

/** The views a ServiceResult holds, one per process. */
export function viewsOf(result: ServiceResult): ServiceView[] {
  return "services" in result ? result.services : [result];
}

/** `POST /v1/services/NAME/restart?rolling=1`: the replicas as they are after it, and how far it got. */
export interface RollingView extends GroupView {
  restarted: string[];
  /** The replica not ready again after its restart; those after it were not restarted. */
  failed: string | null;
}

/** `POST /v1/services/NAME/scale?replicas=N`: the count before and after, what stopped and started, the replicas now. */
export interface ScaleView extends GroupView {
  from: number;
  to: number;
  stopped: string[];
  started: string[];
}

/** One supervisor event on the wire (`events` and its NDJSON follow stream). */
export interface EventEntry {
  type: string;
  service: string;
  at: string;
  pid?: number;
  exit_code?: number | null;
  signal?: string | null;
  delay_ms?: number;
  crashes?: number;
  reason?: string;
}

/** What `reload` changes (and, unless a dry run, changed). */
export interface ReloadResult {
  applied: boolean;
  plan: { added: string[]; removed: string[]; changed: string[]; unchanged: string[] };
  warnings: string[];
}

/** What `reload NAME` did to each replica of a service with replicas. */
export interface GroupReloadResult {
  name: string;
  results: ServiceReloadResult[];
}

/** What `reload NAME` did to one service: sent its reload_signal, or restarted it. */
export interface ServiceReloadResult {
  action: "signal" | "restart";
  /** The reload_signal sent; null for a restart. */
  signal: string | null;
  service: ServiceView;
}

export interface DaemonInfo {
  pid: number;
  version: string;
  started_at: string;
  config_file: string;
  /** How the daemon keeps each service's processes together and stops them all (absent from daemons before it). */
  containment?: ContainmentView;
}

/** `cgroup`: a cgroup v2 per service; `process-group+mark`: process groups and an environment mark (no cgroup may be made here). */
export interface ContainmentView {
  mode: "cgroup" | "process-group+mark";
  /** Why this mode, in words. */
  reason: string;
  /** The daemon's cgroup subtree (cgroup mode). */
  cgroup?: string;
  /** The limit controllers enabled for the services (cgroup mode). */
  controllers?: string[];
  /** Each limit controller that is not, and why (cgroup mode). */
  missing_controllers?: Record<string, string>;
}

/** GET /v1/services and `status --json`. */
export interface StatusDocument {
  daemon: DaemonInfo;
  services: ServiceView[];
}

/** One log line on the wire (`logs` and the NDJSON follow stream). */
export interface LogEntry {
  service: string;
  /** stdout | stderr for the child's own lines; "canopy" for the supervisor's notices; null when read back from a file. */
  stream: "stdout" | "stderr" | "canopy" | null;
  text: string;
  /** ISO time, when known (lines read back from log files have none). */
  at: string | null;
}

/** POST /v1/notify/test: the sample event sent, and how each configured notifier took it. */
export interface NotifyTestResult {
  event: Record<string, unknown>;
  results: NotifyAttempt[];
}

/** One delivery attempt: `ok`, else why not (an exit code, an HTTP status, a timeout). */
export interface NotifyAttempt {
  notifier: "command" | "webhook";
  ok: boolean;
  error?: string;
}

/** A follow stream tells a slow reader what it missed instead of skipping silently. */
export interface DroppedNotice {
  dropped: number;
}

/** Every error body. */
export interface ErrorBody {
  error_type: string;
  error_description: string;
  [extra: string]: unknown;
}

/** Builds the wire view of a supervisor snapshot. */
export function toServiceView(state: ServiceState, autostart: boolean): ServiceView {
  return {
    name: state.short,
    status: state.status,
    ready: state.ready,
    pid: state.pid ?? null,
    port: state.port ?? null,
    restarts: state.restartsInWindow,
    started_at: state.startedAt ?? null,
    exit_code: state.lastExitCode ?? null,
    exit_signal: state.exitSignal ?? null,
    start_error: state.startError ?? null,
    next_restart_at: state.nextRestartAt ?? null,
    last_crash_at: state.lastCrashAt ?? null,
    reason: state.reason ?? null,
    autostart,
    user: null,
    cpu_percent: null,
    memory_bytes: null,
  };
}
