/** `canopy start|stop|restart NAME... | --all`. */
import type { ServiceView, StatusDocument } from "../../api/wire.ts";
import { CanopyError, isCanopyError } from "../../errors.ts";
import type { ParsedArgs } from "../args.ts";
import { type Io, openProject } from "../context.ts";
import { describeService } from "../describe.ts";

type Action = "start" | "stop" | "restart";

/** Runs `action` on each named service in parallel; exit 1 if any is unknown or did not do as asked. */
export async function control(io: Io, args: ParsedArgs, action: Action): Promise<number> {
  const project = openProject(io, args.config);
  const all = args.flags.all === true;
  if (all === (args.positionals.length > 0)) {
    throw new CanopyError("usage", `name the services to ${action}, or pass --all (not both)`);
  }
  const names = all
    ? (await project.client.call<StatusDocument>("GET", "/v1/services")).services.map((s) => s.name)
    : args.positionals;
  const results = await Promise.all(
    names.map(async (name) => {
      try {
        const view = await project.client.call<ServiceView>("POST", `/v1/services/${encodeURIComponent(name)}/${action}`);
        return { name, view };
      } catch (err) {
        if (isCanopyError(err) && err.error_type === "daemon_not_running") throw err;
        return { name, error: err as Error };
      }
    }),
  );
  let failed = 0;
  for (const r of results) {
    if ("error" in r) {
      failed++;
      io.stderr(`canopy: ${r.error?.message}\n`);
      continue;
    }
    const ok = action === "stop" ? r.view.status === "stopped" : r.view.status === "running" || r.view.status === "completed";
    if (!ok) failed++;
    (ok ? io.stdout : io.stderr)(`${describeService(r.view)}\n`);
  }
  return failed > 0 ? 1 : 0;
}
