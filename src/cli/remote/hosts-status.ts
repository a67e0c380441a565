/** `canopy -H a -H b status [--json]`: every host's services in one table with a HOST column, or one JSON document. */
import type { ServiceView, StatusDocument } from "../../api/wire.ts";
import type { ServiceConfig } from "../../config/index.ts";
import { isCanopyError } from "../../errors.ts";
import type { SshTarget } from "../../remote/ssh-target.ts";
import type { ParsedArgs } from "../args.ts";
import { DaemonClient } from "../client.ts";
import type { Io } from "../context.ts";
import { renderTable } from "../commands/status.ts";
import { colorEnabled, escapeControls, makeColors } from "../style.ts";
import type { RemoteSession } from "./tunnel.ts";

/** One host's answer: its daemon and services, or why it gave none. */
export type HostStatus =
  | { host: string; daemon: Pick<StatusDocument["daemon"], "pid" | "version" | "started_at">; services: ServiceView[]; configs: ServiceConfig[] }
  | { host: string; error: { error_type: string; error_description: string }; exitCode: number };

type Answered = Extract<HostStatus, { services: ServiceView[] }>;

/**
 * Asks every host at once. A host that fails is reported on stderr (its own message) and in
 * JSON as `{host, error}`; the others are still shown; the exit code is the first failure's.
 */
export async function statusOfHosts(io: Io, args: ParsedArgs, targets: SshTarget[], open: (t: SshTarget) => Promise<RemoteSession>): Promise<number> {
  const results = await Promise.all(targets.map((t) => statusOf(t, open, args.positionals)));
  if (args.flags.json === true) {
    const hosts = results.map((r) => ("error" in r ? { host: r.host, error: r.error } : { host: r.host, daemon: r.daemon, services: r.services }));
    io.stdout(`${JSON.stringify({ hosts })}\n`);
  } else {
    for (const r of results) if ("error" in r) io.stderr(`canopy: ${r.error.error_description}\n`);
    const ok = results.filter((r): r is Answered => !("error" in r));
    if (ok.length > 0) io.stdout(hostTable(io, ok));
  }
  const failed = results.find((r) => "error" in r);
  return failed && "error" in failed ? failed.exitCode : 0;
}

async function statusOf(target: SshTarget, open: (t: SshTarget) => Promise<RemoteSession>, names: string[]): Promise<HostStatus> {
  let session: RemoteSession | undefined;
  try {
    session = await open(target);
    const client = new DaemonClient(session.socketPath, `${session.info.config_file} on ${target.label}`);
    const doc = await client.call<StatusDocument>("GET", "/v1/services");
    const { pid, version, started_at } = doc.daemon;
    const services = names.length === 0 ? doc.services : doc.services.filter((s) => names.includes(s.name));
    return { host: target.label, daemon: { pid, version, started_at }, services, configs: session.info.config?.services ?? [] };
  } catch (err) {
    if (!isCanopyError(err)) throw err;
    return { host: target.label, error: { error_type: err.error_type, error_description: err.message }, exitCode: err.exitCode };
  } finally {
    await session?.close();
  }
}

/**
 * status's own table, one HOST column in front. WHY reads a service's restart settings by name:
 * the first host that has the name lends its settings (hosts usually run the same config).
 */
function hostTable(io: Io, results: Answered[]): string {
  const c = makeColors(colorEnabled({ isTTY: io.stdoutTty }, io.env));
  const services = results.flatMap((r) => r.services);
  const hosts = results.flatMap((r) => r.services.map(() => escapeControls(r.host)));
  const configs = new Map<string, ServiceConfig>();
  for (const r of results) for (const s of r.configs) if (!configs.has(s.name)) configs.set(s.name, s);
  const lines = renderTable(c, services, Date.now(), (name) => configs.get(name)).split("\n");
  const width = Math.max("HOST".length, ...hosts.map((h) => h.length));
  return lines.map((line, i) => (line === "" ? line : `${(i === 0 ? "HOST" : (hosts[i - 1] as string)).padEnd(width)}  ${line}`)).join("\n");
}
