// The dashboard page: statuses from /api/services, live through /api/events (SSE), charts sampled
// once a second, the dependency graph, a timeline and the logs. Everything a service or its output
// says is set as text (textContent), never parsed as HTML.
import { formatBytes, formatClock, formatPercent, formatUptime } from "./format.js";
import { layoutGraph } from "./graph-layout.js";
import { liveAfter } from "./live-status.js";
import { addSample, chartMax, createSeries, sparkPath } from "./series.js";
import { marksOf } from "./timeline.js";

const SVG = "http://www.w3.org/2000/svg";
const MAX_LOG_LINES = 2000;
const MAX_EVENTS = 1000;
const SAMPLE_MS = 1000;
const pageOpenedAt = Date.now();

const state = {
  /** name → the service as /api/services gave it, with `why`. */
  services: new Map(),
  order: [],
  /** name → { cpu, mem } series. */
  series: new Map(),
  events: [],
  logs: [],
  graph: null,
  selected: "",
};

const $ = (id) => document.getElementById(id);

/** An element with a class and text; children appended. */
function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function svg(tag, attrs = {}) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

// ---- talking to the dashboard server ----

class ApiError extends Error {
  constructor(type, message) {
    super(message);
    this.type = type;
  }
}

async function api(method, path) {
  let res;
  try {
    res = await fetch(path, { method, headers: { accept: "application/json" } });
  } catch (err) {
    throw new ApiError("network", `the dashboard server did not answer (${err.message})`);
  }
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(body?.error_type ?? `http_${res.status}`, body?.error_description ?? res.statusText);
  return body;
}

function showBanner(text, info = false) {
  $("banner-text").textContent = text;
  $("banner").classList.toggle("info", info);
  $("banner").hidden = false;
}

function showError(err) {
  showBanner(`${err.type ?? "error"}: ${err.message}`);
}

$("banner-close").addEventListener("click", () => {
  $("banner").hidden = true;
});

// ---- statuses ----

let refreshing = null;
/** Asked for while a fetch was under way: null, or whether it wants CPU and memory. */
let again = null;

/** Fetches every service (with CPU and memory when `usage`) and redraws; calls made meanwhile coalesce into one more. */
async function refresh(usage) {
  if (refreshing) {
    again = Boolean(again) || usage;
    return refreshing;
  }
  refreshing = (async () => {
    try {
      const doc = await api("GET", usage ? "/api/services" : "/api/services?usage=0");
      applyServices(doc, usage);
    } catch (err) {
      setConn("down", err.type === "daemon_not_running" ? "no daemon" : "unreachable");
    } finally {
      refreshing = null;
    }
    if (again !== null) {
      const usageAgain = again;
      again = null;
      await refresh(usageAgain);
    }
  })();
  return refreshing;
}

function applyServices(doc, usage) {
  $("daemon").textContent = `daemon pid ${doc.daemon.pid} · ${doc.daemon.version} · ${doc.daemon.config_file}`;
  const names = doc.services.map((s) => s.name);
  for (const s of doc.services) {
    const before = state.services.get(s.name);
    // A status-only answer keeps the last CPU and memory while the process is the same.
    if (!usage && before && s.pid !== null && before.pid === s.pid) {
      s.cpu_percent = before.cpu_percent;
      s.memory_bytes = before.memory_bytes;
    }
    state.services.set(s.name, s);
  }
  for (const name of state.services.keys()) if (!names.includes(name)) state.services.delete(name);
  const changedSet = names.join("\n") !== state.order.join("\n");
  state.order = names;
  if (changedSet) syncLogSelect();
  renderServices();
  renderGraph();
}

function mergeService(view) {
  const before = state.services.get(view.name);
  state.services.set(view.name, { ...before, ...view, why: before?.why ?? null });
  renderServices();
  renderGraph();
}

// ---- service cards ----

const cards = new Map();

function stat(label) {
  const wrap = el("div");
  wrap.append(el("dt", "", label));
  const dd = el("dd", "", "—");
  wrap.append(dd);
  return { wrap, dd };
}

function chart(kind, label) {
  const fig = el("figure", `chart ${kind}`);
  const cap = el("figcaption");
  const value = el("span", "value", "—");
  cap.append(el("span", "", label), value);
  const box = svg("svg", { viewBox: "0 0 120 34", preserveAspectRatio: "none", role: "img", "aria-label": `${label} over time` });
  const area = svg("path", { class: "area" });
  const line = svg("path", { class: "line" });
  box.append(area, line);
  fig.append(cap, box);
  return { fig, value, area, line };
}

function createCard(name) {
  const card = el("article", "svc");
  card.dataset.service = name;
  const head = el("div", "svc-head");
  const badge = el("span", "badge");
  head.append(el("h3", "name", name), badge);
  const stats = el("dl", "stats");
  const fields = {};
  for (const [key, label] of [["pid", "pid"], ["uptime", "uptime"], ["restarts", "restarts"], ["cpu", "cpu"], ["mem", "memory"], ["ready", "ready"]]) {
    const s = stat(label);
    s.dd.dataset.field = key;
    fields[key] = s.dd;
    stats.append(s.wrap);
  }
  const alive = el("p", "alive");
  const why = el("p", "why");
  const charts = el("div", "charts");
  const cpu = chart("cpu", "CPU");
  const mem = chart("mem", "memory");
  charts.append(cpu.fig, mem.fig);
  const strip = svg("svg", { class: "strip", viewBox: "0 0 300 12", preserveAspectRatio: "none", "aria-label": "starts, crashes and restarts" });
  const buttons = el("div", "buttons");
  for (const [action, label] of [["start", "Start"], ["stop", "Stop"], ["restart", "Restart"]]) {
    const b = el("button", action === "stop" ? "danger" : "", label);
    b.type = "button";
    b.dataset.action = action;
    b.addEventListener("click", (ev) => {
      ev.stopPropagation();
      void act(name, action);
    });
    buttons.append(b);
  }
  card.append(head, stats, alive, why, charts, strip, buttons);
  card.addEventListener("click", () => select(state.selected === name ? "" : name));
  const parts = { card, badge, fields, alive, why, cpu, mem, strip, buttons };
  cards.set(name, parts);
  return parts;
}

function renderServices() {
  const box = $("services");
  const now = Date.now();
  for (const [name, parts] of cards) {
    if (!state.services.has(name)) {
      parts.card.remove();
      cards.delete(name);
    }
  }
  state.order.forEach((name, i) => {
    const s = state.services.get(name);
    const parts = cards.get(name) ?? createCard(name);
    if (box.children[i] !== parts.card) box.insertBefore(parts.card, box.children[i] ?? null);
    parts.card.className = `svc st-${s.status}${state.selected === name ? " selected" : ""}`;
    parts.card.dataset.status = s.status;
    parts.card.dataset.pid = s.pid ?? "";
    parts.badge.textContent = s.status;
    parts.fields.pid.textContent = s.pid ?? "—";
    parts.fields.uptime.textContent = s.pid ? formatUptime(s.started_at, now) : "—";
    parts.fields.restarts.textContent = String(s.restarts);
    parts.fields.cpu.textContent = formatPercent(s.cpu_percent);
    parts.fields.mem.textContent = formatBytes(s.memory_bytes);
    parts.fields.ready.textContent = s.pid ? (s.ready ? "yes" : "not yet") : "—";
    parts.why.textContent = s.why ?? "";
    // The API reports no liveness state: a failing probe shows as a restart, in WHY and the timeline.
    parts.alive.textContent = s.alive_check ? `alive: ${s.alive_check}` : "";
    parts.alive.hidden = !s.alive_check;
    const running = s.status === "running" || s.status === "starting";
    parts.buttons.querySelector('[data-action="start"]').disabled = running || parts.busy;
    parts.buttons.querySelector('[data-action="stop"]').disabled = s.status === "stopped" || s.status === "completed" || parts.busy;
    parts.buttons.querySelector('[data-action="restart"]').disabled = parts.busy;
    drawCharts(name, parts);
    drawStrip(name, parts.strip, now);
  });
}

function drawCharts(name, parts) {
  const series = state.series.get(name);
  const s = state.services.get(name);
  parts.cpu.value.textContent = formatPercent(s.cpu_percent);
  parts.mem.value.textContent = formatBytes(s.memory_bytes);
  if (!series) return;
  const cpuMax = chartMax(series.cpu.points, 5);
  const memMax = chartMax(series.mem.points, 16 * 1024 * 1024) * 1.25;
  parts.cpu.line.setAttribute("d", sparkPath(series.cpu.points, 120, 34, cpuMax));
  parts.cpu.area.setAttribute("d", sparkPath(series.cpu.points, 120, 34, cpuMax, true));
  parts.mem.line.setAttribute("d", sparkPath(series.mem.points, 120, 34, memMax));
  parts.mem.area.setAttribute("d", sparkPath(series.mem.points, 120, 34, memMax, true));
  parts.card.dataset.samples = String(series.cpu.points.length);
}

/** Ticks for the service's events, from its first event (or the page's opening) to now. */
function drawStrip(name, strip, now) {
  const events = state.events.filter((e) => e.service === name);
  const marks = marksOf(events);
  const from = Math.min(pageOpenedAt, ...events.map((e) => Date.parse(e.at)));
  const span = Math.max(1, now - from);
  const ticks = [svg("line", { class: "base", x1: 0, y1: 6, x2: 300, y2: 6 })];
  events.forEach((e, i) => {
    const x = Math.min(299, Math.max(1, ((Date.parse(e.at) - from) / span) * 300));
    const mark = marks[i];
    const tick = svg("line", { class: `mk mk-${mark.kind}`, x1: x, y1: 0, x2: x, y2: 12 });
    const title = svg("title");
    title.textContent = `${formatClock(e.at)} ${mark.text}`;
    tick.append(title);
    ticks.push(tick);
  });
  strip.replaceChildren(...ticks);
}

// ---- actions ----

async function act(name, action) {
  if (action === "stop" && !(await confirmStop(name))) return;
  const parts = cards.get(name);
  if (parts) parts.busy = true;
  renderServices();
  try {
    const view = await api("POST", `/v1/services/${encodeURIComponent(name)}/${action}`);
    if (parts) parts.busy = false;
    mergeService(view);
  } catch (err) {
    showError(err);
  } finally {
    if (parts) parts.busy = false;
    void refresh(false);
  }
}

function confirmStop(name) {
  const dialog = $("confirm");
  $("confirm-text").textContent = `Stop ${name}? Its whole process group gets the stop signal.`;
  $("confirm-ok").textContent = `Stop ${name}`;
  dialog.returnValue = "";
  dialog.showModal();
  return new Promise((resolve) => dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true }));
}

$("reload").addEventListener("click", async () => {
  const button = $("reload");
  button.disabled = true;
  try {
    const result = await api("POST", "/v1/reload");
    const p = result.plan;
    const parts = [
      ...p.added.map((n) => `+ ${n}`),
      ...p.removed.map((n) => `- ${n}`),
      ...p.changed.map((n) => `~ ${n}`),
      `= ${p.unchanged.length} unchanged`,
      ...result.warnings.map((w) => `warning: ${w}`),
    ];
    showBanner(`reloaded: ${parts.join(", ")}`, true);
    await loadGraph();
    await refresh(false);
  } catch (err) {
    showError(err);
  } finally {
    button.disabled = false;
  }
});

// ---- dependency graph ----

async function loadGraph() {
  try {
    state.graph = await api("GET", "/api/graph");
    renderGraph();
  } catch (err) {
    showError(err);
  }
}

function renderGraph() {
  const box = $("graph");
  if (!state.graph) return;
  const layout = layoutGraph(state.graph);
  const root = svg("svg", { viewBox: `0 0 ${layout.width} ${layout.height}`, role: "img", "aria-label": "dependency graph" });
  const defs = svg("defs");
  const marker = svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" });
  marker.append(svg("path", { d: "M0,0L10,5L0,10z", class: "arrow" }));
  defs.append(marker);
  root.append(defs);
  for (const e of layout.edges) {
    const g = svg("g");
    g.dataset.edge = `${e.from}->${e.to}`;
    const midY = (e.y1 + e.y2) / 2;
    g.append(svg("path", { class: "edge", d: `M${e.x1},${e.y1}C${e.x1},${midY} ${e.x2},${midY} ${e.x2},${e.y2}`, "marker-end": "url(#arrow)" }));
    const label = svg("text", { class: "cond", x: e.labelX, y: e.labelY + 4, "text-anchor": "middle" });
    label.textContent = e.condition;
    g.append(label);
    root.append(g);
  }
  for (const n of layout.nodes) {
    const status = nodeStatus(n.name);
    const g = svg("g", { class: `node st-${status}`, transform: `translate(${n.x},${n.y})` });
    g.dataset.node = n.name;
    g.dataset.status = status;
    g.append(svg("rect", { width: layout.nodeWidth, height: layout.nodeHeight, rx: 8 }));
    const name = svg("text", { class: "name", x: layout.nodeWidth / 2, y: 20, "text-anchor": "middle" });
    name.textContent = n.name;
    const st = svg("text", { class: "status", x: layout.nodeWidth / 2, y: 36, "text-anchor": "middle" });
    st.textContent = status;
    g.append(name, st);
    root.append(g);
  }
  box.replaceChildren(root);
}

/** A graph node is a service: its own status, or for one with replicas the first replica's that is not running. */
function nodeStatus(name) {
  const own = state.services.get(name);
  if (own) return own.status;
  const replicas = [...state.services.values()].filter((s) => s.replica?.service === name).map((s) => s.status);
  if (replicas.length === 0) return "stopped";
  return replicas.find((st) => st !== "running") ?? "running";
}

// ---- timeline ----

function renderTimeline() {
  const list = $("timeline");
  const events = state.events.filter((e) => !state.selected || e.service === state.selected).slice(-200);
  const marks = marksOf(events);
  $("timeline-for").textContent = state.selected ? `· ${state.selected}` : "· all services";
  list.replaceChildren(
    ...events.map((e, i) => {
      const mark = marks[i];
      const li = el("li", `k-${mark.kind}`);
      li.dataset.kind = mark.kind;
      const time = el("time", "", formatClock(e.at));
      time.dateTime = e.at;
      li.append(time, el("span", "who", e.service), el("span", "what", mark.text));
      return li;
    }).reverse(),
  );
}

// ---- logs ----

function syncLogSelect() {
  const select = $("log-service");
  const keep = select.value;
  const options = [new Option("all services", "")];
  for (const name of state.order) options.push(new Option(name, name));
  select.replaceChildren(...options);
  select.value = state.order.includes(keep) ? keep : "";
}

function logMatches(entry) {
  const service = $("log-service").value;
  const filter = $("log-filter").value.toLowerCase();
  if (service && entry.service !== service) return false;
  return !filter || entry.text.toLowerCase().includes(filter) || entry.service.toLowerCase().includes(filter);
}

function logRow(entry) {
  if (entry.notice) return el("div", "notice", entry.notice);
  const row = el("div", `line ${entry.stream ?? ""}`);
  row.dataset.service = entry.service;
  row.append(el("span", "svc-name", entry.service), el("span", "txt", entry.text));
  return row;
}

function renderLogs() {
  const box = $("log");
  box.replaceChildren(...state.logs.filter((e) => e.notice || logMatches(e)).map(logRow));
  scrollLog();
}

function appendLog(entry) {
  state.logs.push(entry);
  const box = $("log");
  if (state.logs.length > MAX_LOG_LINES) {
    const dropped = state.logs.shift();
    if (box.firstChild && (dropped.notice || logMatches(dropped))) box.firstChild.remove();
  }
  if (entry.notice || logMatches(entry)) {
    box.append(logRow(entry));
    scrollLog();
  }
}

let scrollPending = false;

/** Keeps the newest line in view while following; once per burst (a backlog is thousands of lines), not per line. */
function scrollLog() {
  if (scrollPending) return;
  scrollPending = true;
  setTimeout(() => {
    scrollPending = false;
    if ($("log-follow").checked) $("log").scrollTop = $("log").scrollHeight;
  }, 16);
}

$("log-service").addEventListener("change", () => select($("log-service").value));
$("log-filter").addEventListener("input", renderLogs);
$("log-follow").addEventListener("change", scrollLog);

function select(name) {
  state.selected = name;
  $("log-service").value = name;
  renderServices();
  renderTimeline();
  renderLogs();
}

// ---- live streams ----

let renderPending = false;

/**
 * Redraws once for a burst of events (a reconnect replays up to a thousand), a frame's time
 * after the first: not once per event. A timer, not requestAnimationFrame, which a hidden tab
 * never runs.
 */
function scheduleRender() {
  if (renderPending) return;
  renderPending = true;
  setTimeout(() => {
    renderPending = false;
    renderServices();
    renderGraph();
    renderTimeline();
  }, 16);
}

function setConn(kind, text) {
  $("conn").dataset.state = kind;
  $("conn").textContent = text;
}

/**
 * Follows one of the dashboard's event streams. EventSource retries by itself when a stream
 * ends (the daemon stopped), but gives up for good on an error answer (503 while no daemon
 * runs): then this opens a new one, so the page comes back with the daemon.
 */
function follow(path, onReset, onItem, onError = () => {}) {
  const source = new EventSource(path);
  source.addEventListener("reset", onReset);
  source.addEventListener("message", (ev) => onItem(JSON.parse(ev.data)));
  source.addEventListener("error", () => {
    onError();
    if (source.readyState === EventSource.CLOSED) setTimeout(() => follow(path, onReset, onItem, onError), 2000);
  });
}

follow(
  "/api/events",
  () => {
    state.events = [];
    setConn("live", "live");
    void refresh(false);
  },
  (item) => {
    if (item.dropped !== undefined) return;
    state.events.push(item);
    if (state.events.length > MAX_EVENTS) state.events.shift();
    // Show what the event says at once; then fetch the whole picture (WHY, restarts) now, not at the next sample.
    const s = state.services.get(item.service);
    if (s) Object.assign(s, liveAfter(s, item));
    scheduleRender();
    void refresh(false);
  },
  () => setConn("down", "reconnecting…"),
);

follow(
  "/api/logs",
  () => {
    state.logs = [];
    $("log").replaceChildren();
  },
  (item) => appendLog(item.dropped !== undefined ? { notice: `… ${item.dropped} lines dropped while this page was behind` } : item),
);

// ---- sampling: CPU and memory once a second ----

async function sample() {
  await refresh(true);
  for (const name of state.order) {
    const s = state.services.get(name);
    let series = state.series.get(name);
    if (!series) {
      series = { cpu: createSeries(), mem: createSeries() };
      state.series.set(name, series);
    }
    addSample(series.cpu, s.cpu_percent ?? 0);
    addSample(series.mem, s.memory_bytes ?? 0);
  }
  renderServices();
  setTimeout(sample, SAMPLE_MS);
}

void loadGraph();
void sample();
