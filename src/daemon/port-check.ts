/** Refuses to start a service whose port another process already holds. */
import { portOf } from "../supervisor/entry.ts";
import { defaultPortListening } from "../supervisor/port-probe.ts";
import type { SpawnRequest, StartError } from "../supervisor/types.ts";
import { findPortHolder } from "../os/proc-info.ts";

/** A `port_in_use` StartError naming the holder, or undefined when the request's port is free. */
export async function checkPortFree(req: SpawnRequest): Promise<StartError | undefined> {
  const port = portOf(req);
  if (port === undefined) return undefined;
  if (!(await defaultPortListening(port))) return undefined;
  const holder = findPortHolder(port);
  const who = holder ? `pid ${holder.pid} (${holder.command})` : "another process";
  return {
    error_type: "port_in_use",
    error_description: `port ${port} is already in use by ${who}; stop it or change ${req.short}'s port`,
    at: new Date().toISOString(),
    ...(holder ? { pid: holder.pid, command: holder.command } : {}),
  };
}
