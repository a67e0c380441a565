/** What a notifier sends: the event as JSON, its CANOPY_EVENT_* variables, with service secrets cut out. No I/O. */
import type { EventEntry } from "../api/wire.ts";
import type { NotifyEventName } from "../config/types.ts";
import type { SupervisorEvent } from "../supervisor/types.ts";

/** The JSON a command reads on stdin and a webhook receives: the event as `canopy events --json` shows it, and which one it is. */
export interface NotifyPayload extends EventEntry {
  /** The name `notify.events` matches. */
  event: NotifyEventName | "test";
  daemon: { pid: number; config_file: string; hostname: string };
}

/** The sample event `canopy notify --test` sends: shaped like a real one, named `test`. */
export function samplePayload(daemon: NotifyPayload["daemon"], at: string): NotifyPayload {
  return { event: "test", type: "test", service: "canopy", at, reason: "a test event sent by canopy notify --test", daemon };
}

/**
 * The notify names a supervisor event goes by: its type, and `liveness_failed` or `memory_exceeded`
 * too for an exit a liveness check or `max_memory` forced.
 */
export function notifyNames(event: SupervisorEvent): NotifyEventName[] {
  if (event.type === "exited" && event.livenessFailure !== undefined) return ["exited", "liveness_failed"];
  if (event.type === "exited" && event.memoryExceeded !== undefined) return ["exited", "memory_exceeded"];
  return [event.type];
}

/** The payload for `entry` under the name `event`, every string with `secrets` replaced by `***`. */
export function buildPayload(
  event: NotifyPayload["event"],
  entry: EventEntry,
  daemon: NotifyPayload["daemon"],
  secrets: readonly string[] = [],
): NotifyPayload {
  const payload: NotifyPayload = { event, ...entry, daemon };
  return secrets.length === 0 ? payload : (redact(payload, secrets) as NotifyPayload);
}

/**
 * A service's `env` values that could be secrets, longest first (so a value containing another is cut whole).
 * Short values (`1`, `on`, a port) would cut ordinary words out of reasons, and cannot be secret anyway.
 */
export function secretsOf(env: Record<string, string>): string[] {
  return [...new Set(Object.entries(env).flatMap(([k, v]) => (k !== "PORT" && v.length >= MIN_SECRET_LENGTH ? [v] : [])))].sort(
    (a, b) => b.length - a.length,
  );
}

const MIN_SECRET_LENGTH = 4;

function redact(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === "string") return secrets.reduce((text, secret) => text.split(secret).join("***"), value);
  if (Array.isArray(value)) return value.map((v) => redact(v, secrets));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, secrets)]));
  }
  return value;
}

/**
 * The variables a command gets besides stdin: `CANOPY_EVENT` (the name), then `CANOPY_EVENT_<KEY>` for each
 * scalar field (`CANOPY_EVENT_SERVICE`, `CANOPY_EVENT_EXIT_CODE`, …; null as empty), and `CANOPY_EVENT_JSON`.
 */
export function payloadEnv(payload: NotifyPayload): Record<string, string> {
  const env: Record<string, string> = { CANOPY_EVENT: payload.event, CANOPY_EVENT_JSON: JSON.stringify(payload) };
  for (const [key, value] of Object.entries(payload)) {
    if (key === "event" || key === "daemon" || value === undefined) continue;
    env[`CANOPY_EVENT_${key.toUpperCase()}`] = value === null ? "" : String(value);
  }
  return env;
}
