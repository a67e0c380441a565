/**
 * What an event says about a service at once, before the next snapshot from /api/services
 * confirms it (pure; served as live-status.js): the page shows a crash as soon as the event
 * arrives, not one round trip later.
 */
import type { EventEntry } from "../../api/wire.ts";

/** The fields an event can speak for. */
export interface LiveFields {
  status: string;
  pid: number | null;
  ready: boolean;
}

/** The fields after `event`; what the event does not settle is left as it was. */
export function liveAfter(current: LiveFields, event: EventEntry): LiveFields {
  switch (event.type) {
    case "started":
      return { status: "starting", pid: event.pid ?? current.pid, ready: false };
    case "ready":
      return { status: "running", pid: event.pid ?? current.pid, ready: true };
    case "exited":
      // What follows (restarting, stopped, gave_up) says where it went; alone, the snapshot will.
      return { ...current, pid: null, ready: false };
    case "restarting":
      return { status: "restarting", pid: null, ready: false };
    case "stopped":
      return { status: "stopped", pid: null, ready: false };
    case "gave_up":
      return { status: "crashed", pid: null, ready: false };
    default:
      return current;
  }
}
