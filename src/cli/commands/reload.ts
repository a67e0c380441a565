/** `canopy reload [--dry-run]`: the daemon re-reads its config and applies only the difference. */
import type { ReloadResult } from "../../api/wire.ts";
import type { ParsedArgs } from "../args.ts";
import { type Io, openDaemon } from "../context.ts";

/**
 * Prints the plan (`+ added`, `- removed`, `~ changed`, `= N unchanged`) and the warnings. A config the
 * daemon refuses is an `invalid_config` error from the API: exit 2 with its message, nothing changed.
 */
export async function reload(io: Io, args: ParsedArgs): Promise<number> {
  const dryRun = args.flags["dry-run"] === true;
  const daemon = openDaemon(io, args.config);
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
