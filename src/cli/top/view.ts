/** Draws a TopModel as a frame: one string per terminal row, cut to its width. No I/O. */
import type { LogEntry, ServiceView } from "../../api/wire.ts";
import type { ServiceConfig } from "../../config/index.ts";
import { formatBytes, formatCpu, formatUptime, paintStatus } from "../commands/status.ts";
import { explain } from "../describe.ts";
import { type Colors, escapeControls, servicePrefix } from "../style.ts";
import { COLUMNS, type ColumnId, fitColumns, GAP } from "./columns.ts";
import type { Frame } from "./frame-diff.ts";
import { KEY_HELP } from "./keys.ts";
import { filteredLogs, type LogPane, selectedIndex, statusCounts, type TopModel } from "./model.ts";
import { peakOf, sparkline } from "./sparkline.ts";
import { fitText, textWidth } from "./width.ts";

export interface ViewContext {
  cols: number;
  rows: number;
  c: Colors;
  now: number;
  configOf: (name: string) => ServiceConfig | undefined;
}

/** A piece of a line: text (no escapes in it) and how to colour it. */
type Segment = { text: string; paint?: (s: string) => string };

/** Rows of header above the table; the status line is below everything. */
const HEAD_ROWS = 2;
const MARK = 2;

/** The whole screen. */
export function renderFrame(model: TopModel, ctx: ViewContext): Frame {
  const { rows, cols, c } = ctx;
  const lines: string[] = [...header(model, ctx)];
  const body = bodyRows(rows);
  if (model.mode === "help") {
    lines.push(compose([{ text: "Keys", paint: c.bold }], cols));
    for (const [keys, what] of KEY_HELP) lines.push(compose([{ text: `  ${keys.padEnd(16)}`, paint: c.bold }, { text: what }], cols));
    lines.push(compose([{ text: "  any key closes this help", paint: c.dim }], cols));
  } else {
    const pane = paneLines(model, ctx, body);
    const tableRows = pane.length > 0 ? body - pane.length : body;
    lines.push(...table(model, ctx, tableRows));
    while (lines.length < HEAD_ROWS + tableRows) lines.push("");
    lines.push(...pane);
  }
  while (lines.length < rows - 1) lines.push("");
  lines.length = Math.max(0, rows - 1);
  lines.push(statusLine(model, ctx));
  return lines.slice(0, rows);
}

/** Two lines: what is watched, and the daemon with its counts per status. */
function header(model: TopModel, ctx: ViewContext): string[] {
  const { c, cols, now } = ctx;
  const first = compose([{ text: "canopy top", paint: c.bold }, { text: "  " }, { text: escapeControls(model.configFile) }], cols);
  let second: string;
  const d = model.daemon;
  if (!model.connected) {
    const text = !model.waiting
      ? "connecting to the daemon…"
      : d
        ? "daemon not running — waiting for it to come back (canopy up -d)"
        : "no daemon is running for this config — waiting for one (canopy up -d)";
    second = compose([{ text, paint: model.waiting ? c.red : c.dim }], cols);
  } else if (d) {
    const segs: Segment[] = [{ text: `daemon pid ${d.pid} · ${d.version} · up ${formatUptime(now - Date.parse(d.started_at))}` }];
    for (const [status, n] of statusCounts(model.services)) {
      segs.push({ text: " · " }, { text: `${n} ${status}`, paint: (t) => paintStatus(c, status, t) });
    }
    if (model.services.length === 0) segs.push({ text: " · no services" });
    second = compose(segs, cols);
  } else {
    second = "";
  }
  return [first, second];
}

/** Column titles and one row per service, scrolled so the selected one shows. */
function table(model: TopModel, ctx: ViewContext, height: number): string[] {
  const { c, cols } = ctx;
  if (height <= 0) return [];
  const cells = model.services.map((s) => rowCells(s, ctx));
  const content: Partial<Record<ColumnId, number>> = {};
  for (const row of cells) for (const col of COLUMNS) content[col.id] = Math.max(content[col.id] ?? 0, textWidth(row[col.id]));
  const widths = fitColumns(content, cols - MARK);
  for (const [i, s] of model.services.entries()) Object.assign(cells[i] as object, sparkCells(model.history, s.name, widths.cpuSpark, widths.memSpark));
  const out = [compose([{ text: " ".repeat(MARK) }, ...rowSegments(widths, (id) => ({ text: headerOf(id) }))], cols, c.bold)];
  const visible = height - 1;
  const sel = selectedIndex(model);
  const first = Math.min(Math.max(0, sel - visible + 1), Math.max(0, model.services.length - visible));
  model.services.slice(first, first + visible).forEach((s, i) => {
    const row = cells[first + i] as Record<ColumnId, string>;
    const selected = s.name === model.selected;
    const segs = rowSegments(widths, (id) => ({ text: row[id], paint: id === "status" ? (t) => paintStatus(c, s.status, t) : undefined }));
    const line = compose([{ text: selected ? "> " : "  " }, ...segs], cols, undefined, selected);
    out.push(selected ? c.inverse(line) : line);
  });
  return out;
}

function headerOf(id: ColumnId): string {
  return COLUMNS.find((col) => col.id === id)?.header ?? "";
}

/** The cells of one service, as plain text; sparklines are drawn at their final width later. */
function rowCells(s: ServiceView, ctx: ViewContext): Record<ColumnId, string> {
  return {
    name: escapeControls(s.name),
    status: s.status,
    pid: s.pid === null ? "-" : String(s.pid),
    uptime: s.status === "running" && s.started_at ? formatUptime(ctx.now - Date.parse(s.started_at)) : "-",
    restarts: String(s.restarts),
    cpu: s.cpu_percent === null ? "-" : formatCpu(s.cpu_percent),
    cpuSpark: "",
    mem: s.memory_bytes === null ? "-" : formatBytes(s.memory_bytes),
    memSpark: "",
    ready: s.pid === null ? "-" : s.ready ? "yes" : "no",
    why: escapeControls(explain(s, { now: ctx.now, config: ctx.configOf(s.name) }) ?? ""),
  };
}

/** The drawn columns of a row, each cut or padded to its width, with the gap between them. */
function rowSegments(widths: Record<ColumnId, number>, cell: (id: ColumnId) => Segment): Segment[] {
  const segs: Segment[] = [];
  for (const col of COLUMNS) {
    const w = widths[col.id];
    if (w <= 0) continue;
    if (segs.length > 0) segs.push({ text: " ".repeat(GAP) });
    const { text, paint } = cell(col.id);
    const fitted = col.right ? fitText(text, w).padStart(w) : fitText(text, w, true);
    segs.push({ text: fitted, paint });
  }
  return segs;
}

/** The log pane (title and lines), or a reload plan being confirmed; [] when closed. */
function paneLines(model: TopModel, ctx: ViewContext, body: number): string[] {
  const { c, cols } = ctx;
  if (model.confirm?.detail) {
    const detail = model.confirm.detail.slice(0, Math.max(0, body - 3));
    return [compose([{ text: model.confirm.prompt, paint: c.bold }], cols), ...detail.map((l) => compose([{ text: `  ${escapeControls(l)}` }], cols))];
  }
  const pane = model.logs;
  if (!pane) return [];
  const height = paneHeight(body, model.services.length);
  const lines = filteredLogs(pane);
  const shown = height - 1;
  const end = lines.length - pane.scroll;
  const visible = lines.slice(Math.max(0, end - shown), end);
  const out = [paneTitle(pane, ctx, lines.length)];
  for (const e of visible) out.push(logLine(e, ctx));
  while (out.length < height) out.push("");
  return out;
}

/**
 * Rows the log pane takes (its title included) out of `body` rows below the header: what the
 * table leaves when it shows every service, but never less than half.
 */
export function paneHeight(body: number, services: number): number {
  const table = Math.min(services + 1, Math.ceil(body / 2));
  return Math.max(2, body - Math.max(2, table));
}

/** Rows the body has (the table with its column titles, and the pane): all but the header and the status line. */
export function bodyRows(rows: number): number {
  return Math.max(0, rows - HEAD_ROWS - 1);
}

function paneTitle(pane: LogPane, ctx: ViewContext, count: number): string {
  const { c, cols } = ctx;
  const parts: Segment[] = [{ text: "── logs: ", paint: c.dim }, { text: pane.service ? escapeControls(pane.service) : "all services", paint: c.bold }];
  parts.push({ text: pane.scroll > 0 ? ` — ${pane.scroll} lines back (G follows)` : " — following", paint: c.dim });
  if (pane.filter !== "") parts.push({ text: ` — filter "${escapeControls(pane.filter)}": ${count} lines`, paint: c.yellow });
  if (pane.dropped > 0) parts.push({ text: ` — ${pane.dropped} dropped`, paint: c.red });
  const used = parts.reduce((w, p) => w + textWidth(p.text), 0);
  if (used + 1 < cols) parts.push({ text: ` ${"─".repeat(cols - used - 1)}`, paint: c.dim });
  return compose(parts, cols);
}

function logLine(e: LogEntry, ctx: ViewContext): string {
  const { c, cols } = ctx;
  const name = escapeControls(e.service);
  const prefix = `[${name}]`;
  return compose([{ text: prefix, paint: (t) => (t === prefix ? servicePrefix(c, name) : t) }, { text: " " }, { text: escapeControls(e.text), paint: e.stream === "canopy" ? c.dim : undefined }], cols);
}

/** The bottom line: the filter being typed, a question, or the last action's result; the key hint at the right. */
function statusLine(model: TopModel, ctx: ViewContext): string {
  const { c, cols } = ctx;
  if (model.mode === "filter") return compose([{ text: "/", paint: c.bold }, { text: `${escapeControls(model.filterDraft)}_` }, { text: "   Enter keeps · Esc clears", paint: c.dim }], cols);
  if (model.confirm) return compose([{ text: `${model.confirm.prompt} [y/n]`, paint: c.yellow }], cols);
  const hint = "? help · q quit";
  const note = model.note;
  const paint = note?.kind === "error" ? c.red : note?.kind === "ok" ? c.green : note?.kind === "pending" ? c.yellow : undefined;
  const room = Math.max(0, cols - hint.length - 2);
  const left = fitText(note ? escapeControls(note.text) : "", room, true);
  return compose([{ text: left, paint }, { text: "  " }, { text: hint, paint: c.dim }], cols);
}

/**
 * Segments joined into one line no wider than `width` columns, colour applied after cutting.
 * With `fill`, padded to the full width (a selected row's highlight spans the screen).
 */
function compose(segments: Segment[], width: number, paintAll?: (s: string) => string, fill = false): string {
  let out = "";
  let left = width;
  for (const seg of segments) {
    if (left <= 0) break;
    const text = textWidth(seg.text) > left ? fitText(seg.text, left) : seg.text;
    left -= textWidth(text);
    out += seg.paint && text !== "" ? seg.paint(text) : text;
  }
  if (fill && left > 0) out += " ".repeat(left);
  return paintAll ? paintAll(out) : out;
}

/** A service's minute of CPU (scaled to one core) and memory (scaled to its own peak), at the columns' widths. */
function sparkCells(history: TopModel["history"], name: string, cpuWidth: number, memWidth: number): { cpuSpark: string; memSpark: string } {
  const h = history.get(name) ?? { cpu: [], mem: [] };
  return { cpuSpark: sparkline(h.cpu, cpuWidth, 100), memSpark: sparkline(h.mem, memWidth, peakOf(h.mem)) };
}
