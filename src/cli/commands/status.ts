/** `canopy status [NAME...] [--json]`. */
import type { ServiceView, StatusDocument } from "../../api/wire.ts";
import { CanopyError } from "../../errors.ts";
import type { ParsedArgs } from "../args.ts";
import type { ServiceConfig } from "../../config/index.ts";
import { belongsTo, serviceOf } from "../../config/replicas.ts";
import { type Io, openDaemon, openProjectLenient } from "../context.ts";
import { explain } from "../describe.ts";
import { colorEnabled, escapeControls, makeColors, type Colors } from "../style.ts";
import { formatTable } from "../table.ts";

export async function status(io: Io, args: ParsedArgs): Promise<number> {
  if (args.flags.json === true) {
    // The daemon's answer alone: finding the daemon is enough. Validating the config (every
    // service of it) is left to the table, whose WHY column reads it.
    const client = openDaemon(io, args.config).client;
    // Every service: the daemon's document as it came, not parsed and written again (300 KB at 1,000 services).
    if (args.positionals.length === 0) {
      io.stdout(`${await client.text("/v1/services")}\n`);
      return 0;
    }
    const doc = await client.call<StatusDocument>("GET", "/v1/services");
    io.stdout(`${JSON.stringify({ daemon: doc.daemon, services: pick(doc.services, args.positionals) })}\n`);
    return 0;
  }
  const project = openProjectLenient(io, args.config);
  const doc = await project.client.call<StatusDocument>("GET", "/v1/services");
  const services = pick(doc.services, args.positionals);
  const c = makeColors(colorEnabled({ isTTY: io.stdoutTty }, io.env));
  const configs = new Map((project.config?.services ?? []).map((s) => [s.name, s]));
  io.stdout(renderTable(c, services, Date.now(), (name) => configs.get(serviceOf(name))));
  return 0;
}

/** The rows of the named services (a service with replicas: every replica's), in the order named. */
function pick(services: ServiceView[], names: string[]): ServiceView[] {
  if (names.length === 0) return services;
  return names.flatMap((name) => {
    const rows = services.filter((x) => belongsTo(x.name, name));
    if (rows.length === 0) throw new CanopyError("unknown_service", `no service named "${name}" in this config`);
    return rows;
  });
}

/** The status table: one row per service; WHY says what the status alone does not. */
export function renderTable(
  c: Colors,
  services: ServiceView[],
  now: number,
  configOf: (name: string) => ServiceConfig | undefined = () => undefined,
): string {
  // Escape what came from outside before colouring: the colour codes themselves must reach the terminal.
  const rows = services.map((s) => [
    escapeControls(s.name),
    paintStatus(c, s.status),
    readiness(s),
    s.pid === null ? "-" : String(s.pid),
    s.port === null ? "-" : String(s.port),
    s.cpu_percent === null ? "-" : formatCpu(s.cpu_percent),
    s.memory_bytes === null ? "-" : formatBytes(s.memory_bytes),
    s.status === "running" && s.started_at ? formatUptime(now - Date.parse(s.started_at)) : "-",
    String(s.restarts),
    escapeControls(explain(s, { now, config: configOf(s.name) }) ?? ""),
  ]);
  return formatTable(["NAME", "STATUS", "READY", "PID", "PORT", "CPU", "MEM", "UPTIME", "RESTARTS", "WHY"], rows);
}

/** yes / no for a live process (its readiness probe passed or not), - otherwise. */
function readiness(s: ServiceView): string {
  if (s.pid === null) return "-";
  return s.ready ? "yes" : "no";
}

/** 0 → "0.0%", 153.25 → "153.3%" (a share of one core). */
export function formatCpu(percent: number): string {
  return `${percent.toFixed(1)}%`;
}

/** Resident memory in binary units: 512B, 4.0K, 12.3M, 1.5G. */
export function formatBytes(bytes: number): string {
  const units = ["K", "M", "G", "T"];
  if (bytes < 1024) return `${bytes}B`;
  let value = bytes / 1024;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return `${value.toFixed(1)}${units[i]}`;
}

/** A status in its colour: green when up or done, yellow on the way, red when failed, dim when stopped. */
export function paintStatus(c: Colors, status: ServiceView["status"], text: string = status): string {
  switch (status) {
    case "running":
    case "completed":
      return c.green(text);
    case "starting":
    case "restarting":
    case "waiting":
      return c.yellow(text);
    case "crashed":
    case "blocked":
      return c.red(text);
    case "stopped":
      return c.dim(text);
  }
}

/** 45s, 12m, 3h4m, 2d5h. */
export function formatUptime(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d${Math.floor((s % 86400) / 3600)}h`;
}
