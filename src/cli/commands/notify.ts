/** `canopy notify --test`: a sample event through the daemon's configured notifiers. */
import type { NotifyTestResult } from "../../api/wire.ts";
import { CanopyError } from "../../errors.ts";
import type { ParsedArgs } from "../args.ts";
import { type Io, openDaemon } from "../context.ts";

/** One line per notifier (`command ok`, `webhook FAILED: HTTP 500`); exit 1 when any failed. */
export async function notify(io: Io, args: ParsedArgs): Promise<number> {
  if (args.flags.test !== true) throw new CanopyError("usage", "notify needs --test (see `canopy help notify`)");
  const daemon = openDaemon(io, args.config);
  const result = await daemon.client.call<NotifyTestResult>("POST", "/v1/notify/test");
  if (args.flags.json === true) io.stdout(`${JSON.stringify(result)}\n`);
  else io.stdout(formatResults(result));
  return result.results.every((r) => r.ok) ? 0 : 1;
}

export function formatResults(result: NotifyTestResult): string {
  return result.results.map((r) => `${r.notifier} ${r.ok ? "ok" : `FAILED: ${r.error ?? "unknown error"}`}\n`).join("");
}
