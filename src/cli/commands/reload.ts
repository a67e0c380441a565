/**
 * `canopy reload [--dry-run]`: the daemon re-reads its config and applies only the difference.
 * `canopy reload NAME...`: reloads those services in place (their `reload_signal`), without
 * re-reading the config; a service without one (or not running) is restarted.
 */
import type { GroupReloadResult, ReloadResult, ServiceReloadResult } from "../../api/wire.ts";
import { CanopyError, isCanopyError } from "../../errors.ts";
import type { ParsedArgs } from "../args.ts";
import { type DaemonHandle, type Io, openDaemon } from "../context.ts";

/**
 * Prints the plan (`+ added`, `- removed`, `~ changed`, `= N unchanged`) and the warnings. A config the
 * daemon refuses is an `invalid_config` error from the API: exit 2 with its message, nothing changed.
 */
export async function reload(io: Io, args: ParsedArgs): Promise<number> {
  const dryRun = args.flags["dry-run"] === true;
  const daemon = openDaemon(io, args.config);
  if (args.positionals.length > 0) {
    if (dryRun) throw new CanopyError("usage", "--dry-run plans a reload of the config; it takes no service names");
    return reloadServices(io, daemon, args.positionals);
  }
  const result = await daemon.client.call<ReloadResult>("POST", `/v1/reload${dryRun ? "?dry_run=1" : ""}`);
  io.stdout(formatPlan(result));
  io.stderr(`canopy: ${dryRun ? "dry run: nothing was changed" : "reloaded"} (${daemon.file})\n`);
  return 0;
}

/** One line per added, removed and changed service, then the unchanged count, then the warnings. */
export function formatPlan(result: ReloadResult): string {
  const { added, removed, changed, unchanged } = result.plan;
  const lines = [
    ...added.map((n) => `+ ${n}`),
    ...removed.map((n) => `- ${n}`),
    ...changed.map((n) => `~ ${n}`),
    `= ${unchanged.length} unchanged`,
    ...result.warnings.map((w) => `warning: ${w}`),
  ];
  return `${lines.join("\n")}\n`;
}

function describeReload(name: string, r: ServiceReloadResult): { ok: boolean; line: string } {
  const { pid, status } = r.service;
  if (r.action === "signal") return { ok: true, line: `${name}: sent ${r.signal} (pid ${pid} kept)` };
  const ok = status === "running" || status === "completed" || status === "waiting";
  return { ok, line: `${name}: restarted, no reload_signal or not running (${status}${pid === null ? "" : `, pid ${pid}`})` };
}

/** One line per service: `web: sent SIGHUP (pid 123 kept)` or `worker: restarted (pid 456)`; exit 1 if any failed. */
async function reloadServices(io: Io, daemon: DaemonHandle, names: string[]): Promise<number> {
  const results = await Promise.all(
    names.map(async (name) => {
      try {
        const r = await daemon.client.call<ServiceReloadResult | GroupReloadResult>("POST", `/v1/services/${encodeURIComponent(name)}/reload`);
        // A service with replicas: a line per replica.
        const each = "results" in r ? r.results.map((one) => describeReload(one.service.name, one)) : [describeReload(name, r)];
        return { ok: each.every((e) => e.ok), line: each.map((e) => e.line).join("\n") };
      } catch (err) {
        if (isCanopyError(err) && err.error_type === "daemon_not_running") throw err;
        return { ok: false, line: `canopy: ${(err as Error).message}` };
      }
    }),
  );
  for (const r of results) (r.ok ? io.stdout : io.stderr)(`${r.line}\n`);
  return results.every((r) => r.ok) ? 0 : 1;
}
