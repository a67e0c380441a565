/** `canopy signal NAME... SIGNAL`: send any signal to services' process groups. */
import { type ServiceResult, viewsOf } from "../../api/wire.ts";
import { parseSignal } from "../../config/signal.ts";
import { CanopyError, isCanopyError } from "../../errors.ts";
import type { ParsedArgs } from "../args.ts";
import { type Io, openDaemon } from "../context.ts";

/**
 * Sends SIGNAL (the last word: `SIGUSR1`, `usr1`, `HUP`…) to each named service's process group,
 * in parallel; one line per service. Exit 1 if any is unknown or not running.
 */
export async function signal(io: Io, args: ParsedArgs): Promise<number> {
  const names = args.positionals.slice(0, -1);
  const raw = args.positionals.at(-1);
  if (names.length === 0 || raw === undefined) throw new CanopyError("usage", "name the services and the signal: canopy signal NAME... SIGNAL");
  const sig = parseSignal(raw);
  if (sig === undefined) throw new CanopyError("usage", `unknown signal "${raw}": use a name such as SIGHUP, SIGUSR1 or TERM`);
  const daemon = openDaemon(io, args.config);
  const results = await Promise.all(
    names.map(async (name) => {
      try {
        const result = await daemon.client.call<ServiceResult>("POST", `/v1/services/${encodeURIComponent(name)}/signal?signal=${sig}`);
        // A service with replicas: every replica that runs got it.
        const lines = viewsOf(result).flatMap((v) => (v.pid === null ? [] : [`${v.name}: sent ${sig} to process group ${v.pid}`]));
        return { ok: true, line: lines.join("\n") };
      } catch (err) {
        if (isCanopyError(err) && err.error_type === "daemon_not_running") throw err;
        return { ok: false, line: `canopy: ${(err as Error).message}` };
      }
    }),
  );
  for (const r of results) (r.ok ? io.stdout : io.stderr)(`${r.line}\n`);
  return results.every((r) => r.ok) ? 0 : 1;
}
