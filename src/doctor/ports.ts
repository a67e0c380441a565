/** Is each service's port free, or held by that very service under our running daemon? */
import type { ServiceView } from "../api/wire.ts";
import type { ServiceConfig } from "../config/index.ts";
import { findPortHolder, readProcStat } from "../os/proc-info.ts";
import { defaultPortListening } from "../supervisor/port-probe.ts";
import type { Check } from "./check.ts";

/** Who holds a port: nobody, one of our daemon's services (by name), or a stranger. */
export type PortHolder = { kind: "free" } | { kind: "ours"; service: string; pid: number } | { kind: "other"; pid?: number; command?: string };

/** Looks the port up: a listener on any address (/proc), or anything accepting on 127.0.0.1. */
export async function portHolder(port: number, ours: ServiceView[]): Promise<PortHolder> {
  const holder = findPortHolder(port);
  if (holder === undefined) return (await defaultPortListening(port)) ? { kind: "other" } : { kind: "free" };
  // A service is the leader of its own process group: whatever it spawned shares its group id.
  const group = readProcStat(holder.pid)?.pgid;
  const owner = ours.find((s) => s.pid !== null && (s.pid === holder.pid || s.pid === group));
  if (owner !== undefined) return { kind: "ours", service: owner.name, pid: holder.pid };
  return { kind: "other", pid: holder.pid, command: holder.command };
}

/** The check for one service's port, given who holds it (pure). */
export function portCheck(svc: ServiceConfig & { port: number }, holder: PortHolder): Check {
  const port = svc.port;
  switch (holder.kind) {
    case "free":
      return { status: "ok", what: `${svc.name}: port ${port} is free` };
    case "ours":
      if (holder.service === svc.name) return { status: "ok", what: `${svc.name}: port ${port} is held by ${svc.name} itself (pid ${holder.pid})` };
      return { status: "fail", what: `${svc.name}: port ${port} is held by this config's service ${holder.service} (pid ${holder.pid})`, fix: `give ${svc.name} and ${holder.service} different ports` };
    case "other": {
      const who = holder.pid === undefined ? "a process this user cannot see" : `pid ${holder.pid} (${shorten(holder.command ?? "?")})`;
      return { status: "fail", what: `${svc.name}: port ${port} is held by ${who}`, fix: `stop it, or change ${svc.name}'s port` };
    }
  }
}

function shorten(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** A failure for each port more than one service of the config claims (pure). */
export function sharedPortChecks(services: ServiceConfig[]): Check[] {
  const byPort = new Map<number, string[]>();
  for (const s of services) if (s.port !== undefined) byPort.set(s.port, [...(byPort.get(s.port) ?? []), s.name]);
  return [...byPort].flatMap(([port, names]) =>
    names.length < 2 ? [] : [{ status: "fail" as const, what: `port ${port} is given to ${names.join(" and ")}`, fix: "give each service its own port" }],
  );
}
