/** What top shows, as data, and the pure steps that change it. No I/O. */
import type { DaemonInfo, LogEntry, ServiceView } from "../../api/wire.ts";
import type { InputMode } from "./keys.ts";

/** Samples kept per service: one a second for the last minute. */
export const HISTORY_SAMPLES = 60;
/** Log lines kept in the pane (scrollable back through them). */
export const LOG_LINES_KEPT = 5_000;

export interface Samples {
  cpu: (number | null)[];
  mem: (number | null)[];
}

export type Note = { text: string; kind: "info" | "ok" | "error" | "pending" };

export interface LogPane {
  /** The service whose lines show, or null for every service merged. */
  service: string | null;
  lines: LogEntry[];
  /** Lines scrolled back from the newest; 0 follows. */
  scroll: number;
  filter: string;
  /** Lines the daemon dropped while top was behind. */
  dropped: number;
}

/** A question on the status line, and what a `y` does. */
export interface Confirm {
  prompt: string;
  /** Shown in the pane while asking (a reload's plan). */
  detail?: string[];
  run: () => void;
}

export interface TopModel {
  configFile: string;
  /** null until the daemon answered; kept (greyed) while it is away. */
  daemon: DaemonInfo | null;
  connected: boolean;
  /** The daemon did not answer (or went away): top is looking for it again. */
  waiting: boolean;
  services: ServiceView[];
  history: Map<string, Samples>;
  selected: string | null;
  logs: LogPane | null;
  mode: InputMode;
  filterDraft: string;
  confirm: Confirm | null;
  note: Note | null;
}

export function initialModel(configFile: string): TopModel {
  return {
    configFile,
    daemon: null,
    connected: false,
    waiting: false,
    services: [],
    history: new Map(),
    selected: null,
    logs: null,
    mode: "normal",
    filterDraft: "",
    confirm: null,
    note: null,
  };
}

/**
 * Takes a fresh service list. With `sampled`, its CPU and memory become the newest sample of
 * each service's history; otherwise (a refetch after an event, without usage) the last sample's
 * figures are kept on the rows so the columns do not blink to "-".
 */
export function withServices(model: TopModel, services: ServiceView[], sampled: boolean): TopModel {
  const history = new Map<string, Samples>();
  const previous = new Map(model.services.map((s) => [s.name, s]));
  const rows = services.map((s) => {
    const old = model.history.get(s.name) ?? { cpu: [], mem: [] };
    if (!sampled) {
      history.set(s.name, old);
      const before = previous.get(s.name);
      const live = s.pid !== null && before?.pid === s.pid;
      return live ? { ...s, cpu_percent: before?.cpu_percent ?? null, memory_bytes: before?.memory_bytes ?? null } : s;
    }
    history.set(s.name, { cpu: keepLast([...old.cpu, s.cpu_percent]), mem: keepLast([...old.mem, s.memory_bytes]) });
    return s;
  });
  const selected = rows.some((s) => s.name === model.selected) ? model.selected : (rows[0]?.name ?? null);
  return { ...model, services: rows, history, selected };
}

function keepLast<T>(values: T[]): T[] {
  return values.length > HISTORY_SAMPLES ? values.slice(values.length - HISTORY_SAMPLES) : values;
}

/** The selection moved `by` rows, stopping at the ends. */
export function moveSelection(model: TopModel, by: number): TopModel {
  if (model.services.length === 0) return model;
  const at = Math.max(0, model.services.findIndex((s) => s.name === model.selected));
  const next = Math.min(model.services.length - 1, Math.max(0, at + by));
  return { ...model, selected: model.services[next]?.name ?? null };
}

/** Index of the selected service (0 when none). */
export function selectedIndex(model: TopModel): number {
  return Math.max(0, model.services.findIndex((s) => s.name === model.selected));
}

/** New lines appended to the pane, keeping the last LOG_LINES_KEPT; a scrolled-back view stays where it was. */
export function appendLogs(pane: LogPane, entries: LogEntry[]): LogPane {
  if (entries.length === 0) return pane;
  const all = inTimeOrder(pane.lines.concat(entries));
  const lines = all.length > LOG_LINES_KEPT ? all.slice(all.length - LOG_LINES_KEPT) : all;
  const added = pane.filter === "" ? entries.length : entries.filter((e) => matches(e, pane.filter)).length;
  return { ...pane, lines, scroll: pane.scroll > 0 ? pane.scroll + added : 0 };
}

/**
 * Lines ordered by time, stably. A merged pane's backlog comes one service after another;
 * live lines already arrive in order, so this sorts only when something is out of place.
 */
function inTimeOrder(lines: LogEntry[]): LogEntry[] {
  let sorted = true;
  for (let i = 1; i < lines.length && sorted; i++) {
    const a = lines[i - 1]?.at;
    const b = lines[i]?.at;
    if (a && b && b < a) sorted = false;
  }
  if (sorted) return lines;
  return lines
    .map((e, i) => ({ e, i }))
    .sort((x, y) => (x.e.at && y.e.at && x.e.at !== y.e.at ? (x.e.at < y.e.at ? -1 : 1) : x.i - y.i))
    .map((x) => x.e);
}

/** The pane's lines that pass its filter (a plain, case-insensitive substring of the service or the text). */
export function filteredLogs(pane: LogPane): LogEntry[] {
  return pane.filter === "" ? pane.lines : pane.lines.filter((e) => matches(e, pane.filter));
}

function matches(e: LogEntry, filter: string): boolean {
  const f = filter.toLowerCase();
  return e.text.toLowerCase().includes(f) || e.service.toLowerCase().includes(f);
}

/** Scrolls the pane, `height` lines a page; never past the oldest line or below following. */
export function scrollLogs(pane: LogPane, by: "pageUp" | "pageDown" | "oldest" | "newest", height: number): LogPane {
  const maxScroll = Math.max(0, filteredLogs(pane).length - height);
  const page = Math.max(1, height - 1);
  const scroll =
    by === "pageUp" ? pane.scroll + page : by === "pageDown" ? pane.scroll - page : by === "oldest" ? maxScroll : 0;
  return { ...pane, scroll: Math.min(maxScroll, Math.max(0, scroll)) };
}

/** How many services are in each status, in a fixed order: `3 running, 1 crashed`. */
export function statusCounts(services: ServiceView[]): [ServiceView["status"], number][] {
  const order: ServiceView["status"][] = ["running", "starting", "waiting", "restarting", "completed", "stopped", "crashed", "blocked"];
  return order.map((st) => [st, services.filter((s) => s.status === st).length] as [ServiceView["status"], number]).filter(([, n]) => n > 0);
}
