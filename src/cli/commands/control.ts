/** `canopy start|stop|restart NAME... | --all`. */
import type { ServiceView } from "../../api/wire.ts";
import { CanopyError, isCanopyError } from "../../errors.ts";
import type { ParsedArgs } from "../args.ts";
import { type DaemonHandle, type Io, openProjectLenient } from "../context.ts";
import { describeService } from "../describe.ts";

type Action = "start" | "stop" | "restart";

/**
 * Runs `action` on each named service in parallel, or with --all on every service through the
 * daemon (which stops dependents first and starts in dependency order); exit 1 if any is
 * unknown or did not do as asked. A service `waiting` for its dependencies counts as started:
 * it starts as soon as they allow.
 */
export async function control(io: Io, args: ParsedArgs, action: Action): Promise<number> {
  const project = openProjectLenient(io, args.config);
  const all = args.flags.all === true;
  if (all === (args.positionals.length > 0)) {
    throw new CanopyError("usage", `name the services to ${action}, or pass --all (not both)`);
  }
  const results: Result[] = all
    ? (await project.client.call<{ services: ServiceView[] }>("POST", `/v1/all/${action}`)).services.map((view) => ({ name: view.name, view }))
    : await Promise.all(args.positionals.map((name) => one(project, name, action)));
  const configs = new Map((project.config?.services ?? []).map((s) => [s.name, s]));
  let failed = 0;
  for (const r of results) {
    if ("error" in r) {
      failed++;
      io.stderr(`canopy: ${r.error?.message}\n`);
      continue;
    }
    const ok = succeeded(action, r.view.status);
    if (!ok) failed++;
    (ok ? io.stdout : io.stderr)(`${describeService(r.view, { config: configs.get(r.name) })}\n`);
  }
  return failed > 0 ? 1 : 0;
}

type Result = { name: string; view: ServiceView } | { name: string; error: Error };

async function one(project: DaemonHandle, name: string, action: Action): Promise<Result> {
  try {
    const view = await project.client.call<ServiceView>("POST", `/v1/services/${encodeURIComponent(name)}/${action}`);
    return { name, view };
  } catch (err) {
    if (isCanopyError(err) && err.error_type === "daemon_not_running") throw err;
    return { name, error: err as Error };
  }
}

/** Whether a service ended where `action` asked it to be. */
function succeeded(action: Action, status: ServiceView["status"]): boolean {
  if (action === "stop") return status === "stopped";
  return status === "running" || status === "completed" || status === "waiting";
}
