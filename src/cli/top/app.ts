/**
 * A running `canopy top`: keeps a TopModel fed from the daemon's /v1 API — the event stream
 * for changes, a sample a second for CPU and memory, a log follow stream for the pane — turns
 * keys into API calls, and draws each change as the difference from the last frame.
 */
import type { DroppedNotice, EventEntry, LogEntry, ReloadResult, ServiceView, StatusDocument } from "../../api/wire.ts";
import type { ServiceConfig } from "../../config/index.ts";
import { CanopyError, isCanopyError } from "../../errors.ts";
import type { DaemonClient } from "../client.ts";
import { STATUSES_ONLY } from "../client.ts";
import { formatPlan } from "../commands/reload.ts";
import { describeService } from "../describe.ts";
import { readNdjson } from "../ndjson.ts";
import type { Colors } from "../style.ts";
import { diffFrames, type Frame } from "./frame-diff.ts";
import { type Action, keyAction, parseKeys } from "./keys.ts";
import { appendLogs, initialModel, LOG_LINES_KEPT, moveSelection, scrollLogs, type TopModel, withServices } from "./model.ts";
import type { Terminal, TerminalHandlers } from "./terminal.ts";
import { bodyRows, paneHeight, renderFrame } from "./view.ts";

export interface TopOptions {
  client: DaemonClient;
  configFile: string;
  configOf: (name: string) => ServiceConfig | undefined;
  colors: Colors;
  /** Takes over the terminal and calls back on keys, resizes and signals. */
  openTerminal: (handlers: TerminalHandlers) => Terminal;
  /** How often CPU and memory are sampled (and the clock columns move). */
  sampleMs?: number;
  /** How often a daemon that went away is looked for. */
  reconnectMs?: number;
}

/** Runs top until q, Ctrl-C or a signal; resolves with the exit code, rejects (terminal restored) on an error. */
export function runTop(opts: TopOptions): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const session = new TopSession(opts, (result) => {
      if (result instanceof Error) reject(result);
      else resolve(result);
    });
    session.start();
  });
}

class TopSession {
  private model: TopModel;
  private term!: Terminal;
  private prev: Frame | undefined;
  private renderQueued = false;
  private ended = false;
  /** Aborted when the daemon goes away or top ends: every stream and request of this connection. */
  private connection = new AbortController();
  private logStream: AbortController | undefined;
  private sampler: ReturnType<typeof setInterval> | undefined;
  private reconnect: ReturnType<typeof setTimeout> | undefined;
  private refetching = false;
  private refetchAgain = false;
  private readonly sampleMs: number;

  constructor(
    private readonly opts: TopOptions,
    private readonly done: (result: number | Error) => void,
  ) {
    this.model = initialModel(opts.configFile);
    this.sampleMs = opts.sampleMs ?? 1000;
  }

  start(): void {
    this.term = this.opts.openTerminal({
      onKeys: (data) => this.guard(() => this.onKeys(data)),
      onResize: () => {
        this.prev = undefined;
        this.render();
      },
      onSignal: () => this.finish(0),
    });
    process.on("uncaughtException", this.onCrash);
    process.on("unhandledRejection", this.onCrash);
    this.render();
    void this.connect();
  }

  private readonly onCrash = (err: unknown) => this.finish(err instanceof Error ? err : new Error(String(err)));

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.onCrash(err);
    }
  }

  /** Ends top: stops every timer and stream, gives the terminal back, then reports. */
  private finish(result: number | Error): void {
    if (this.ended) return;
    this.ended = true;
    clearInterval(this.sampler);
    clearTimeout(this.reconnect);
    this.connection.abort();
    this.logStream?.abort();
    this.term.restore();
    process.off("uncaughtException", this.onCrash);
    process.off("unhandledRejection", this.onCrash);
    this.done(result);
  }

  private set(model: TopModel): void {
    this.model = model;
    this.render();
  }

  /** Draws at the end of this turn of the event loop: changes arriving together make one frame. */
  private render(): void {
    if (this.renderQueued || this.ended) return;
    this.renderQueued = true;
    queueMicrotask(() => {
      this.renderQueued = false;
      if (this.ended) return;
      this.guard(() => {
        const frame = renderFrame(this.model, { cols: this.term.cols, rows: this.term.rows, c: this.opts.colors, now: Date.now(), configOf: this.opts.configOf });
        const bytes = diffFrames(this.prev, frame);
        this.prev = frame;
        if (bytes !== "") this.term.write(bytes);
      });
    });
  }

  // ── the daemon ────────────────────────────────────────────────────────────

  /** First contact (and every reconnection): the full list with usage, then the event and log streams and the sampler. */
  private async connect(): Promise<void> {
    const connection = new AbortController();
    this.connection = connection;
    try {
      const doc = await this.opts.client.call<StatusDocument>("GET", "/v1/services", connection.signal);
      if (this.ended) return;
      this.set({ ...withServices(this.model, doc.services, true), daemon: doc.daemon, connected: true, waiting: false });
    } catch (err) {
      return this.lost(err, connection);
    }
    void this.followEvents(connection);
    if (this.model.logs) this.openLogs(this.model.logs.service, this.model.logs.filter);
    this.sampler = setInterval(() => void this.sample(connection), this.sampleMs);
  }

  /**
   * The daemon is gone, never answered, or a stream broke (a reset socket): say so, and look
   * for it again until it answers. An error the API answered with (not a lost connection) is
   * shown on the status line; either way top reconnects rather than dying.
   */
  private lost(err: unknown, connection: AbortController): void {
    if (this.ended || connection.signal.aborted) return;
    if (!connectionLost(err)) this.note(`connection: ${messageOf(err)}`, "error");
    connection.abort();
    this.logStream?.abort();
    clearInterval(this.sampler);
    this.set({ ...this.model, connected: false, waiting: true });
    this.reconnect = setTimeout(() => void this.connect(), this.opts.reconnectMs ?? 500);
  }

  /** Every event means the list changed: fetch it again (statuses only; usage comes with the next sample). */
  private async followEvents(connection: AbortController): Promise<void> {
    try {
      const res = await this.opts.client.stream("/v1/events?tail=0&follow=1", connection.signal);
      await readNdjson<EventEntry | DroppedNotice>(res, () => void this.refetch(connection));
    } catch (err) {
      return this.lost(err, connection);
    }
    // The stream ended: the daemon stopped.
    this.lost(new CanopyError("daemon_not_running", "the daemon stopped"), connection);
  }

  /** Refetches the list; events arriving while one is in flight make one more, not one each. */
  private async refetch(connection: AbortController): Promise<void> {
    if (this.refetching) {
      this.refetchAgain = true;
      return;
    }
    this.refetching = true;
    try {
      do {
        this.refetchAgain = false;
        const doc = await this.opts.client.call<StatusDocument>("GET", STATUSES_ONLY, connection.signal);
        if (connection.signal.aborted) return;
        this.set(withServices(this.model, doc.services, false));
      } while (this.refetchAgain);
    } catch (err) {
      this.lost(err, connection);
    } finally {
      this.refetching = false;
    }
  }

  private async sample(connection: AbortController): Promise<void> {
    try {
      const doc = await this.opts.client.call<StatusDocument>("GET", "/v1/services", connection.signal);
      if (connection.signal.aborted) return;
      this.set({ ...withServices(this.model, doc.services, true), daemon: doc.daemon });
    } catch (err) {
      this.lost(err, connection);
    }
  }

  /** Opens the pane on `service` (null: every service), following from what the daemon holds. */
  private openLogs(service: string | null, filter = ""): void {
    this.logStream?.abort();
    const stream = new AbortController();
    this.logStream = stream;
    this.set({ ...this.model, logs: { service, lines: [], scroll: 0, filter, dropped: 0 } });
    if (!this.model.connected) return;
    const query = new URLSearchParams({ tail: String(LOG_LINES_KEPT), follow: "1" });
    if (service !== null) query.set("services", service);
    const batch: LogEntry[] = [];
    let dropped = 0;
    let flushQueued = false;
    // Lines come in bursts (the backlog, a chatty service): one model update and one frame per burst.
    const flush = () => {
      flushQueued = false;
      const pane = this.model.logs;
      if (!pane || stream.signal.aborted) return;
      const next = appendLogs(pane, batch.splice(0));
      this.set({ ...this.model, logs: { ...next, dropped: next.dropped + dropped } });
      dropped = 0;
    };
    void (async () => {
      try {
        const res = await this.opts.client.stream(`/v1/logs?${query}`, stream.signal);
        await readNdjson<LogEntry | DroppedNotice>(res, (item) => {
          if ("dropped" in item) dropped += item.dropped;
          else batch.push(item);
          if (!flushQueued) {
            flushQueued = true;
            setTimeout(flush, 0);
          }
        });
      } catch (err) {
        if (stream.signal.aborted) return;
        this.note(`logs: ${messageOf(err)}`, "error");
      }
    })();
  }

  // ── keys and actions ──────────────────────────────────────────────────────

  private onKeys(data: string): void {
    for (const key of parseKeys(data)) {
      this.act(keyAction(key, this.model.mode));
      if (this.ended) return;
    }
  }

  private act(action: Action): void {
    const m = this.model;
    const selected = m.selected;
    switch (action.type) {
      case "quit":
        return this.finish(0);
      case "none":
        return;
      case "redraw":
        this.prev = undefined;
        return this.render();
      case "move":
        return this.set(moveSelection(m, action.by));
      case "moveTo":
        return this.set(moveSelection(m, action.where === "first" ? -m.services.length : m.services.length));
      case "toggleLogs":
        if (m.logs && m.logs.service === selected) return this.closeLogs();
        return this.openLogs(selected, m.logs?.filter);
      case "allLogs":
        return this.openLogs(null, m.logs?.filter);
      case "closeLogs":
        if (!m.logs) return this.set({ ...m, note: null });
        return this.closeLogs();
      case "scrollLogs":
        if (!m.logs) return;
        return this.set({ ...m, logs: scrollLogs(m.logs, action.by, paneHeight(bodyRows(this.term.rows), m.services.length) - 1) });
      case "help":
        return this.set({ ...m, mode: "help" });
      case "closeHelp":
        return this.set({ ...m, mode: "normal" });
      case "filter":
        if (!m.logs) this.openLogs(selected);
        return this.set({ ...this.model, mode: "filter", filterDraft: this.model.logs?.filter ?? "" });
      case "filterInput":
      case "filterBackspace": {
        const draft = action.type === "filterInput" ? m.filterDraft + action.text : [...m.filterDraft].slice(0, -1).join("");
        return this.set({ ...m, filterDraft: draft, logs: m.logs && { ...m.logs, filter: draft, scroll: 0 } });
      }
      case "filterDone": {
        const filter = action.keep ? m.filterDraft : "";
        return this.set({ ...m, mode: "normal", filterDraft: "", logs: m.logs && { ...m.logs, filter, scroll: 0 } });
      }
      case "answer": {
        const confirm = m.confirm;
        this.set({ ...m, mode: "normal", confirm: null, note: action.yes ? m.note : { text: "cancelled", kind: "info" } });
        if (action.yes) confirm?.run();
        return;
      }
      case "start":
      case "restart":
        if (selected) void this.control(action.type, selected);
        return;
      case "stop":
        if (!selected) return;
        return this.set({ ...m, mode: "confirm", confirm: { prompt: `stop ${selected}?`, run: () => void this.control("stop", selected) } });
      case "reload":
        return void this.planReload();
    }
  }

  private closeLogs(): void {
    this.logStream?.abort();
    this.logStream = undefined;
    this.set({ ...this.model, logs: null });
  }

  /** POST /v1/services/NAME/ACTION, as `canopy start|stop|restart NAME` does; the answer goes to the status line. */
  private async control(action: "start" | "stop" | "restart", name: string): Promise<void> {
    const verb = { start: "starting", stop: "stopping", restart: "restarting" }[action];
    this.note(`${verb} ${name}…`, "pending");
    try {
      const view = await this.opts.client.call<ServiceView>("POST", `/v1/services/${encodeURIComponent(name)}/${action}`);
      const ok = action === "stop" ? view.status === "stopped" : view.status === "running" || view.status === "completed" || view.status === "waiting";
      this.note(`${action}: ${describeService(view, { config: this.opts.configOf(name) })}`, ok ? "ok" : "error");
    } catch (err) {
      this.note(`${action} ${name}: ${messageOf(err)}`, "error");
    }
  }

  /** `reload --dry-run` first: the plan shows in the pane and a y applies it. */
  private async planReload(): Promise<void> {
    this.note("reading the config…", "pending");
    try {
      const plan = await this.opts.client.call<ReloadResult>("POST", "/v1/reload?dry_run=1");
      const detail = formatPlan(plan).trimEnd().split("\n");
      this.set({
        ...this.model,
        note: null,
        mode: "confirm",
        confirm: { prompt: "reload the config with this plan?", detail, run: () => void this.reload() },
      });
    } catch (err) {
      this.note(`reload: ${messageOf(err)}`, "error");
    }
  }

  private async reload(): Promise<void> {
    this.note("reloading…", "pending");
    try {
      const result = await this.opts.client.call<ReloadResult>("POST", "/v1/reload");
      const { added, removed, changed, unchanged } = result.plan;
      this.note(`reloaded: ${added.length} added, ${removed.length} removed, ${changed.length} changed, ${unchanged.length} unchanged`, "ok");
    } catch (err) {
      this.note(`reload: ${messageOf(err)}`, "error");
    }
  }

  private note(text: string, kind: "info" | "ok" | "error" | "pending"): void {
    this.set({ ...this.model, note: { text, kind } });
  }
}

/** The daemon went away (refused, or a stream cut as it stopped): the header says so, no note needed. */
function connectionLost(err: unknown): boolean {
  if (isCanopyError(err)) return err.error_type === "daemon_not_running";
  const code = (err as { code?: unknown } | undefined)?.code;
  return code === "ECONNRESET" || code === "ECONNREFUSED" || code === "ENOENT" || code === "EPIPE";
}

/** An error for the status line: `error_type: message` for the API's errors. */
function messageOf(err: unknown): string {
  if (isCanopyError(err)) return `${err.error_type}: ${err.message}`;
  return (err as Error)?.message ?? String(err);
}
