/** A config → systemd units: one service unit per service and a target that wants them (pure). */
import { formatDuration as duration } from "../compat/raw-values.ts";
import { expandServices, instanceNames, serviceOf } from "../config/replicas.ts";
import type { ServiceConfig } from "../config/types.ts";
import { quoteExecArg, quoteValue } from "../service/systemd.ts";
import { ownEnv } from "./env.ts";
import { tunedRestartKeys } from "./restart-tuning.ts";
import { createGaps, type ExportInput, type ExportResult } from "./types.ts";

/**
 * `<stack>-<service>.service` per service and `<stack>.target`, which wants every autostart
 * service; `systemctl start <stack>.target` starts the stack, stopping it stops them all (PartOf).
 * A service with `replicas: N` is N units, `<stack>-<service>.<i>.service`, each with its own
 * CANOPY_REPLICA and PORT as canopy runs them (a template unit could not add i-1 to the port);
 * a dependent Requires= and waits After= every one of them.
 * depends_on becomes Requires= + After=; a dependency others wait on to complete becomes
 * Type=oneshot with RemainAfterExit=yes, one with a `notify` ready probe Type=notify, so After=
 * waits for what the condition says. Other probes and the restart backoff have no systemd
 * equivalent (restart_max_delay needs systemd 254) and are named in `unmapped`.
 */
export function toSystemd(input: ExportInput): ExportResult {
  const { config, stack } = input;
  const gaps = createGaps();
  const unitOf = (name: string) => `${stack}-${name}.service`;
  const counts = new Map(config.services.map((s) => [s.name, s.replicas ?? 1]));
  // A dependency's units: one per replica.
  const unit = (service: string) => instanceNames(service, counts.get(service) ?? 1).map(unitOf).join(" ");
  const awaited = new Set(config.services.flatMap((s) => s.dependsOn.filter((d) => d.condition === "completed").map((d) => d.service)));
  const byName = new Map(config.services.map((s) => [s.name, s]));
  const procs = expandServices(config.services);
  for (const svc of config.services) noteGaps(svc, byName, gaps);
  const files = procs.map((svc) => ({
    name: unitOf(svc.name),
    text: serviceUnit(svc, { stack, unit, oneshot: awaited.has(serviceOf(svc.name)), source: config.file }),
  }));
  const wanted = procs.filter((s) => s.autostart).map((s) => unitOf(s.name));
  const target = [
    header(config.file),
    "[Unit]",
    `Description=${stack}: the services of ${escape(config.file)}`,
    ...(wanted.length > 0 ? [`Wants=${wanted.join(" ")}`] : []),
    "",
    "[Install]",
    "WantedBy=multi-user.target",
  ];
  files.push({ name: `${stack}.target`, text: `${target.join("\n")}\n` });
  return { files, unmapped: gaps.list() };
}

interface UnitContext {
  stack: string;
  unit: (service: string) => string;
  /** Dependents wait for it to exit 0. */
  oneshot: boolean;
  source: string;
}

function serviceUnit(svc: ServiceConfig, ctx: UnitContext): string {
  const deps = svc.dependsOn.map((d) => ctx.unit(d.service)).join(" ");
  const lines = [
    header(ctx.source),
    "[Unit]",
    `Description=${ctx.stack}: ${svc.name}`,
    `PartOf=${ctx.stack}.target`,
    ...(deps === "" ? [] : [`Requires=${deps}`, `After=${deps}`]),
    `StartLimitIntervalSec=${duration(svc.restartWindowMs)}`,
    `StartLimitBurst=${svc.maxRestarts}`,
    "",
    "[Service]",
    ...serviceType(svc, ctx.oneshot),
    `ExecStart=${svc.cmd.map(quoteExecArg).join(" ")}`,
    `WorkingDirectory=${escape(svc.cwd)}`,
    ...ownEnv(svc).map(([k, v]) => `Environment=${quoteValue(`${k}=${v}`)}`),
    ...(svc.envFile === undefined ? [] : [`EnvironmentFile=${escape(svc.envFile.path)}`]),
    `Restart=${svc.restart === "never" ? "no" : svc.restart}`,
    `RestartSec=${duration(svc.restartDelayMs)}`,
    "KillMode=control-group",
    `KillSignal=${svc.stopSignal}`,
    `TimeoutStopSec=${duration(svc.stopTimeoutMs)}`,
  ];
  return `${lines.join("\n")}\n`;
}

function serviceType(svc: ServiceConfig, oneshot: boolean): string[] {
  if (oneshot) return ["Type=oneshot", "RemainAfterExit=yes"];
  if (svc.ready?.check.kind === "notify") return ["Type=notify", "NotifyAccess=all"];
  return ["Type=simple"];
}

function noteGaps(svc: ServiceConfig, byName: Map<string, ServiceConfig>, gaps: ReturnType<typeof createGaps>): void {
  if (!(svc.cmd[0] as string).includes("/")) gaps.add("systemd looks a bare command up in its own PATH, not yours: write its full path", `${svc.name}.cmd`);
  if (svc.ready !== undefined && svc.ready.check.kind !== "notify") gaps.add("systemd has no readiness probe", `${svc.name}.ready`);
  if (svc.alive !== undefined) gaps.add("systemd has no liveness probe", `${svc.name}.alive`);
  for (const dep of svc.dependsOn) {
    const target = byName.get(dep.service);
    if (dep.condition === "healthy" && target?.ready?.check.kind !== "notify") {
      gaps.add("After= waits only until the dependency has started", `${svc.name}.depends_on.${dep.service}: healthy`);
    }
  }
  for (const key of tunedRestartKeys(svc, ["restart_max_delay", "restart_reset_after"])) gaps.add("systemd restarts at a fixed RestartSec", key);
  for (const key of svc.envFile?.shadowed ?? []) gaps.add("systemd's EnvironmentFile= overrides Environment=", `${svc.name}.env.${key}`);
}


function header(source: string): string {
  return `# Exported by \`canopy export --to systemd\` from ${source}`;
}

/** `%` starts a specifier in unit settings; `%%` is a literal one. */
function escape(text: string): string {
  return text.replace(/%/g, "%%");
}
