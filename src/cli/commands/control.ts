/** `canopy start|stop|restart NAME... | --all`. */
import { type RollingView, type ServiceResult, type ServiceView, viewsOf } from "../../api/wire.ts";
import { serviceOf } from "../../config/replicas.ts";
import { CanopyError, isCanopyError } from "../../errors.ts";
import type { ParsedArgs } from "../args.ts";
import { type DaemonHandle, type Io, openProjectLenient } from "../context.ts";
import { describeService } from "../describe.ts";

type Action = "start" | "stop" | "restart";

/**
 * Runs `action` on each named service in parallel (a service with replicas: every replica; `web.2`: that
 * one), or with --all on every service through the daemon (which stops dependents first and starts in
 * dependency order); exit 1 if any is unknown or did not do as asked. A service `waiting` for its
 * dependencies counts as started: it starts as soon as they allow. `restart --rolling` restarts each
 * service's replicas one at a time, each once the one before is ready again.
 */
export async function control(io: Io, args: ParsedArgs, action: Action): Promise<number> {
  const project = openProjectLenient(io, args.config);
  const all = args.flags.all === true;
  const rolling = args.flags.rolling === true;
  if (all === (args.positionals.length > 0)) {
    throw new CanopyError("usage", `name the services to ${action}, or pass --all (not both)`);
  }
  if (rolling && all) throw new CanopyError("usage", "restart --rolling takes service names, not --all");
  if (rolling) return restartRolling(io, project, args.positionals);
  const results: Result[] = all
    ? (await project.client.call<{ services: ServiceView[] }>("POST", `/v1/all/${action}`)).services.map((view) => ({ name: view.name, view }))
    : (await Promise.all(args.positionals.map((name) => one(project, name, action)))).flat();
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
    (ok ? io.stdout : io.stderr)(`${describeService(r.view, { config: configs.get(serviceOf(r.name)) })}\n`);
  }
  return failed > 0 ? 1 : 0;
}

type Result = { name: string; view: ServiceView } | { name: string; error: Error };

/** One name's results: one per replica for a service with replicas. */
async function one(project: DaemonHandle, name: string, action: Action): Promise<Result[]> {
  try {
    const result = await project.client.call<ServiceResult>("POST", `/v1/services/${encodeURIComponent(name)}/${action}`);
    return viewsOf(result).map((view) => ({ name: view.name, view }));
  } catch (err) {
    if (isCanopyError(err) && err.error_type === "daemon_not_running") throw err;
    return [{ name, error: err as Error }];
  }
}

/** `restart --rolling NAME...`: one service after another, its replicas one at a time; a line per replica restarted. */
async function restartRolling(io: Io, project: DaemonHandle, names: string[]): Promise<number> {
  let failed = 0;
  for (const name of names) {
    try {
      const r = await project.client.call<RollingView>("POST", `/v1/services/${encodeURIComponent(name)}/restart?rolling=1`);
      for (const replica of r.restarted) {
        const view = r.services.find((v) => v.name === replica);
        io.stdout(`${replica}: restarted${view?.pid == null ? "" : ` (pid ${view.pid})`}, ready\n`);
      }
      if (r.failed !== null) {
        failed++;
        const view = r.services.find((v) => v.name === r.failed);
        const why = view?.start_error?.error_description ?? view?.reason ?? view?.status ?? "not ready";
        io.stderr(`canopy: ${r.failed} is not ready after its restart (${why}); the replicas after it were left as they were\n`);
      }
    } catch (err) {
      if (isCanopyError(err) && err.error_type === "daemon_not_running") throw err;
      failed++;
      io.stderr(`canopy: ${(err as Error).message}\n`);
    }
  }
  return failed > 0 ? 1 : 0;
}

/** Whether a service ended where `action` asked it to be. */
function succeeded(action: Action, status: ServiceView["status"]): boolean {
  if (action === "stop") return status === "stopped";
  return status === "running" || status === "completed" || status === "waiting";
}
