/** Runs every doctor check for one config, in order: config, daemon, commands, ports, folders. */
import { dirname } from "node:path";
import type { ContainmentView, ServiceView, StatusDocument } from "../api/wire.ts";
import { DaemonClient } from "../cli/client.ts";
import { loadConfigWithWarnings, type SourceChoice } from "../config/index.ts";
import { expandServices } from "../config/replicas.ts";
import { resolvePaths } from "../daemon/paths.ts";
import { isCanopyError } from "../errors.ts";
import type { Check } from "./check.ts";
import { dirCheck } from "./dirs.ts";
import { portCheck, portHolder, sharedPortChecks } from "./ports.ts";
import { programCheck } from "./program.ts";
import { containmentCheck } from "./containment.ts";
import { readContainmentFacts } from "../os/cgroup/facts.ts";

/** Where to look: as for every command, -c FILE, $CANOPY_CONFIG or canopy.* in `cwd`; `version` is this CLI's. */
export interface DoctorOptions {
  explicit?: string;
  /** `-p` / `--env`, read as `up` reads them. */
  choice?: SourceChoice;
  env: Record<string, string | undefined>;
  cwd: string;
  version: string;
}

/** Every check, `emit`ted as it completes (so a slow one shows progress); resolves with all of them. */
export async function runDoctor(opts: DoctorOptions, emit: (check: Check) => void): Promise<Check[]> {
  const checks: Check[] = [];
  const add = (c: Check) => {
    checks.push(c);
    emit(c);
  };
  let loaded: ReturnType<typeof loadConfigWithWarnings>;
  try {
    loaded = loadConfigWithWarnings({ explicit: opts.explicit, env: opts.env, cwd: opts.cwd, ...(opts.choice ? { choice: opts.choice } : {}) });
  } catch (err) {
    if (!isCanopyError(err)) throw err;
    add({ status: "fail", what: `config: ${err.message}`, fix: err.message.startsWith("no config file") ? "run `canopy init`, or pass -c FILE" : "correct the config as described" });
    return checks;
  }
  const { config, warnings, comments, readAs } = loaded;
  const count = config.services.length;
  const as = readAs === undefined ? "" : `, read as ${readAs}`;
  add({ status: "ok", what: `config ${config.file} loads (${count} service${count === 1 ? "" : "s"}${as})` });
  // A foreign file: each way canopy will run it differently from its own tool, one line each.
  if (comments.length > 0) for (const c of comments) add({ status: "warn", what: `differs: ${c.text}` });
  else for (const w of warnings) add({ status: "warn", what: `config: ${w}` });

  const paths = resolvePaths({ configFile: config.file, env: opts.env });
  const { services: ours, containment } = await daemonCheck(new DaemonClient(paths.socketPath, config.file), opts.version, add);
  add(containmentCheck(containment, () => readContainmentFacts(opts.env)));
  for (const svc of config.services) add(programCheck(svc, opts.env.PATH ?? ""));
  for (const c of sharedPortChecks(config.services)) add(c);
  // Each replica's own port (P, P+1, …), held by that replica under our daemon or free.
  for (const svc of expandServices(config.services)) {
    if (svc.port !== undefined) add(portCheck({ ...svc, port: svc.port }, await portHolder(svc.port, ours)));
  }
  const uid = process.getuid?.();
  add(dirCheck("state folder", paths.stateDir, uid));
  if (dirname(paths.socketPath) !== paths.stateDir) add(dirCheck("socket folder", dirname(paths.socketPath), uid));
  return checks;
}

/** Whether this config's daemon runs (and which version); returns its services, [] without one. */
async function daemonCheck(
  client: DaemonClient,
  version: string,
  add: (c: Check) => void,
): Promise<{ services: ServiceView[]; containment?: ContainmentView }> {
  let doc: StatusDocument;
  try {
    doc = await client.call<StatusDocument>("GET", "/v1/services");
  } catch {
    add({ status: "ok", what: "daemon: not running (start it with `canopy up -d`)" });
    return { services: [] };
  }
  add({ status: "ok", what: `daemon: running (pid ${doc.daemon.pid}, ${doc.daemon.version})` });
  if (doc.daemon.version !== version) {
    add({ status: "warn", what: `daemon: it runs ${doc.daemon.version} but this is ${version}; \`canopy down && canopy up -d\` switches it over` });
  }
  return { services: doc.services, ...(doc.daemon.containment ? { containment: doc.daemon.containment } : {}) };
}
