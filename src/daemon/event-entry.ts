/** Supervisor events in their wire shape. */
import type { EventEntry } from "../api/wire.ts";
import type { Supervisor, SupervisorEvent } from "../supervisor.ts";

/** The wire form of `event`, with the service's reason when it ended on its own. */
export function toEventEntry(event: SupervisorEvent, supervisor: Supervisor): EventEntry {
  const base = { type: event.type, service: event.service, at: event.at };
  switch (event.type) {
    case "started":
    case "ready":
      return { ...base, pid: event.pid };
    case "exited":
      return { ...base, pid: event.pid, exit_code: event.exitCode, signal: event.signal ?? null, reason: supervisor.get(event.service)?.reason };
    case "restarting":
      return { ...base, delay_ms: event.delayMs, reason: supervisor.get(event.service)?.reason };
    case "gave_up":
      return { ...base, crashes: event.crashes, reason: supervisor.get(event.service)?.reason };
    case "start_failed":
      return { ...base, reason: event.error.error_description };
    case "stopped":
      return base;
  }
}
