/** The control API's JSON shapes (snake_case on the wire), shared by daemon and CLI. */
import type { ServiceState, StartError } from "../supervisor/types.ts";

/** One service as the API and `status --json` show it. Never carries env values. */
export interface ServiceView {
  name: string;
  status: ServiceState["status"];
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
  autostart: boolean;
}

export interface DaemonInfo {
  pid: number;
  version: string;
  started_at: string;
  config_file: string;
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
    pid: state.pid ?? null,
    port: state.port ?? null,
    restarts: state.restartsInWindow,
    started_at: state.startedAt ?? null,
    exit_code: state.lastExitCode ?? null,
    exit_signal: state.exitSignal ?? null,
    start_error: state.startError ?? null,
    next_restart_at: state.nextRestartAt ?? null,
    last_crash_at: state.lastCrashAt ?? null,
    autostart,
  };
}
