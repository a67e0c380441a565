/** `canopy scale NAME=N...`: run N copies of a service from now on. */
import type { ScaleView } from "../../api/wire.ts";
import { MAX_REPLICAS } from "../../config/replicas.ts";
import { CanopyError, isCanopyError } from "../../errors.ts";
import type { ParsedArgs } from "../args.ts";
import { type Io, openDaemon } from "../context.ts";

/**
 * Sets each named service's replica count at run time: new replicas start (when the service is
 * running), the extra ones stop, highest-numbered first. One line per service; exit 1 if one failed.
 * The count holds until a reload that changes the service's `replicas:`, or the daemon stops.
 */
export async function scale(io: Io, args: ParsedArgs): Promise<number> {
  if (args.positionals.length === 0) throw new CanopyError("usage", "name the services and their counts: canopy scale web=3");
  const wanted = args.positionals.map(parseScaleArg);
  const daemon = openDaemon(io, args.config);
  let failed = 0;
  for (const { name, count } of wanted) {
    try {
      const r = await daemon.client.call<ScaleView>("POST", `/v1/services/${encodeURIComponent(name)}/scale?replicas=${count}`);
      const changes = [...r.started.map((n) => `+${n}`), ...r.stopped.map((n) => `-${n}`)];
      const down = r.services.filter((v) => r.started.includes(v.name) && (v.status === "crashed" || v.start_error !== null));
      io.stdout(`${name}: ${r.from} → ${r.to} replicas${changes.length > 0 ? ` (${changes.join(" ")})` : ""}\n`);
      for (const v of down) io.stderr(`canopy: ${v.name} is ${v.status}${v.start_error ? `: ${v.start_error.error_description}` : ""}\n`);
      if (down.length > 0) failed++;
    } catch (err) {
      if (isCanopyError(err) && err.error_type === "daemon_not_running") throw err;
      failed++;
      io.stderr(`canopy: ${(err as Error).message}\n`);
    }
  }
  return failed > 0 ? 1 : 0;
}

/** `web=3` → `{ name: "web", count: 3 }`; anything else is a usage error. */
export function parseScaleArg(arg: string): { name: string; count: number } {
  const m = /^([^=]+)=(\d+)$/.exec(arg);
  const count = m ? Number(m[2]) : Number.NaN;
  if (!m || !Number.isInteger(count) || count < 1 || count > MAX_REPLICAS) {
    throw new CanopyError("usage", `expected NAME=N with N from 1 to ${MAX_REPLICAS}, got "${arg}" (e.g. canopy scale web=3)`);
  }
  return { name: m[1] as string, count };
}
