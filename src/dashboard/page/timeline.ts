/** What each supervisor event means on the page's timeline (pure; served as timeline.js). */
import type { EventEntry } from "../../api/wire.ts";

/** The event as the API sends it; only a type: the page's module imports nothing at run time. */
export type TimelineEvent = EventEntry;

export type MarkKind = "start" | "ready" | "crash" | "exit" | "restart" | "stop" | "gave_up" | "failed" | "other";

export interface Mark {
  kind: MarkKind;
  /** Words for the event: "crashed: exit 1 — port closed", "restart in 1.0s (after 2 crashes)". */
  text: string;
}

/**
 * The marks of a run of events, oldest first. The daemon reports a stop as `exited` (the
 * stop signal's exit) then `stopped`: such an exit is the stop's, not a crash.
 */
export function marksOf(events: TimelineEvent[]): Mark[] {
  const marks: Mark[] = [];
  const pendingExit = new Map<string, number>();
  events.forEach((e, i) => {
    const exit = pendingExit.get(e.service);
    pendingExit.delete(e.service);
    if (e.type === "stopped" && exit !== undefined) marks[exit] = stopExit(events[exit] as TimelineEvent);
    if (e.type === "exited") pendingExit.set(e.service, i);
    marks.push(markOf(e));
  });
  return marks;
}

function stopExit(e: TimelineEvent): Mark {
  return { kind: "exit", text: `exited on stop: ${exitWords(e)}${e.pid !== undefined ? ` (pid ${e.pid})` : ""}` };
}

function exitWords(e: TimelineEvent): string {
  const code = e.exit_code === null || e.exit_code === undefined ? "" : ` ${e.exit_code}`;
  return `exit${code}${e.signal ? ` ${e.signal}` : ""}`;
}

/** The kind and words of one event, on its own. */
export function markOf(e: TimelineEvent): Mark {
  const reason = e.reason ? ` — ${e.reason}` : "";
  const pid = e.pid !== undefined ? ` (pid ${e.pid})` : "";
  switch (e.type) {
    case "started":
      return { kind: "start", text: `started${pid}${reason}` };
    case "ready":
      return { kind: "ready", text: `ready${pid}` };
    case "exited": {
      const how = exitWords(e);
      const clean = e.exit_code === 0 && !e.signal;
      return { kind: clean ? "exit" : "crash", text: `${clean ? "exited" : "crashed"}: ${how}${pid}${reason}` };
    }
    case "restarting": {
      const delay = e.delay_ms !== undefined ? ` in ${seconds(e.delay_ms)}` : "";
      const crashes = e.crashes !== undefined ? ` (after ${e.crashes} ${e.crashes === 1 ? "crash" : "crashes"})` : "";
      return { kind: "restart", text: `restart${delay}${crashes}${reason}` };
    }
    case "gave_up":
      return { kind: "gave_up", text: `gave up${e.crashes !== undefined ? ` after ${e.crashes} crashes` : ""}${reason}` };
    case "stopped":
      return { kind: "stop", text: `stopped${pid}${reason}` };
    case "start_failed":
      return { kind: "failed", text: `start failed${reason}` };
    default:
      return { kind: "other", text: `${e.type}${pid}${reason}` };
  }
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${(ms / 1000).toFixed(1)}s`;
}
