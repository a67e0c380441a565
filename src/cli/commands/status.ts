/** `canopy status [NAME...] [--json]`. */
import type { ServiceView, StatusDocument } from "../../api/wire.ts";
import { CanopyError } from "../../errors.ts";
import type { ParsedArgs } from "../args.ts";
import { type Io, openProject } from "../context.ts";
import { colorEnabled, escapeControls, makeColors, type Colors } from "../style.ts";
import { formatTable } from "../table.ts";

export async function status(io: Io, args: ParsedArgs): Promise<number> {
  const json = args.flags.json === true;
  const project = openProject(io, args.config);
  const doc = await project.client.call<StatusDocument>("GET", "/v1/services");
  const services = pick(doc.services, args.positionals);
  if (json) {
    const { pid, version, started_at } = doc.daemon;
    io.stdout(`${JSON.stringify({ daemon: { pid, version, started_at }, services })}\n`);
    return 0;
  }
  const c = makeColors(colorEnabled({ isTTY: io.stdoutTty }, io.env));
  io.stdout(renderTable(c, services, Date.now()));
  return 0;
}

function pick(services: ServiceView[], names: string[]): ServiceView[] {
  if (names.length === 0) return services;
  return names.map((name) => {
    const s = services.find((x) => x.name === name);
    if (!s) throw new CanopyError("unknown_service", `no service named "${name}" in this config`);
    return s;
  });
}

/** The status table: one row per service. */
export function renderTable(c: Colors, services: ServiceView[], now: number): string {
  // Escape what came from outside before colouring: the colour codes themselves must reach the terminal.
  const rows = services.map((s) => [
    escapeControls(s.name),
    paint(c, s.status),
    s.pid === null ? "-" : String(s.pid),
    s.port === null ? "-" : String(s.port),
    s.status === "running" && s.started_at ? formatUptime(now - Date.parse(s.started_at)) : "-",
    String(s.restarts),
    escapeControls(s.start_error ? s.start_error.error_type : s.exit_signal ?? (s.status === "crashed" && s.exit_code !== null ? `exit ${s.exit_code}` : "")),
  ]);
  return formatTable(["NAME", "STATUS", "PID", "PORT", "UPTIME", "RESTARTS", "ERROR"], rows);
}

function paint(c: Colors, status: ServiceView["status"]): string {
  switch (status) {
    case "running":
    case "completed":
      return c.green(status);
    case "starting":
    case "restarting":
    case "waiting":
      return c.yellow(status);
    case "crashed":
    case "blocked":
      return c.red(status);
    case "stopped":
      return c.dim(status);
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
