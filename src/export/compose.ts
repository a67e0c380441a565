/** A config → a compose.yaml (pure). */
import type { ProbeConfig, ServiceConfig } from "../config/types.ts";
import { formatDuration as duration } from "../compat/raw-values.ts";
import { ownEnv } from "./env.ts";
import { imagesOf } from "./image.ts";
import { tunedRestartKeys } from "./restart-tuning.ts";
import { createGaps, type ExportInput, type ExportResult } from "./types.ts";

type Gaps = ReturnType<typeof createGaps>;
type Entry = Record<string, unknown>;

const CONDITIONS = { started: "service_started", healthy: "service_healthy", completed: "service_completed_successfully" } as const;
const RESTART = { always: "always", "on-failure": "on-failure", never: "no" } as const;

/**
 * One `compose.yaml`: each service's image, command, environment (env_file by reference),
 * published port, depends_on with its condition, a healthcheck from its ready probe (else its
 * alive probe), restart policy, stop signal and grace period; `autostart: false` puts it in
 * the `manual` profile; `replicas` is deploy.replicas. `$` is doubled so compose does not interpolate it.
 */
export function toCompose(input: ExportInput): ExportResult {
  const { config } = input;
  const gaps = createGaps();
  const images = imagesOf(config.services, input.image, "compose");
  const checked = new Set(config.services.filter((s) => hasHealthcheck(s)).map((s) => s.name));
  const services: Record<string, Entry> = {};
  for (const svc of config.services) {
    services[svc.name] = entry(svc, images.get(svc.name) as string, checked, gaps);
    noteGaps(svc, config.dir, gaps);
  }
  const text = `# Exported by \`canopy export --to compose\` from ${config.file}\n${Bun.YAML.stringify({ services }, null, 2).replace(/\n*$/, "\n")}`;
  return { files: [{ name: "compose.yaml", text }], unmapped: gaps.list() };
}

function entry(svc: ServiceConfig, image: string, checked: Set<string>, gaps: Gaps): Entry {
  const out: Entry = { image, command: svc.cmd.map(literal) };
  const env = ownEnv(svc);
  if (svc.envFile !== undefined) out.env_file = [svc.envFile.path];
  if (env.length > 0) out.environment = Object.fromEntries(env.map(([k, v]) => [k, literal(v)]));
  // The long form: a short "80:30" would be read by YAML 1.1 readers as a base-60 number.
  // Replicas publish P … P+N-1 as canopy gives them, a range docker hands out one port each; the long form
  // takes no range in every compose, the short one quoted does.
  const count = svc.replicas ?? 1;
  if (svc.port !== undefined) {
    out.ports = count > 1 ? [`${svc.port}-${svc.port + count - 1}:${svc.port}/tcp`] : [{ target: svc.port, published: svc.port, protocol: "tcp" }];
  }
  if (count > 1) {
    out.deploy = { replicas: count };
    gaps.add("containers are alike: each listens on port itself; none gets CANOPY_REPLICA", `${svc.name}.replicas`);
  }
  if (svc.dependsOn.length > 0) {
    out.depends_on = Object.fromEntries(
      svc.dependsOn.map((d) => {
        if (d.condition === "healthy" && !checked.has(d.service)) {
          gaps.add("its dependency has no healthcheck here, so it waits for service_started", `${svc.name}.depends_on.${d.service}: healthy`);
          return [d.service, { condition: CONDITIONS.started }];
        }
        return [d.service, { condition: CONDITIONS[d.condition] }];
      }),
    );
  }
  const probe = healthProbe(svc);
  if (probe !== undefined) {
    const role = svc.ready !== undefined ? "ready" : "alive";
    if (isMapped(probe)) out.healthcheck = healthcheck(probe, role);
    else gaps.add("compose healthchecks run a command", `${svc.name}.${role}.${probe.check.kind}`);
  }
  if (svc.ready !== undefined && svc.alive !== undefined) gaps.add("compose has one healthcheck, the ready probe, and does not restart an unhealthy container", `${svc.name}.alive`);
  out.restart = RESTART[svc.restart];
  out.stop_signal = svc.stopSignal;
  out.stop_grace_period = duration(svc.stopTimeoutMs);
  if (!svc.autostart) out.profiles = ["manual"];
  return out;
}

/** The probe compose's one healthcheck is made from: ready, else alive. */
function healthProbe(svc: ServiceConfig): ProbeConfig | undefined {
  return svc.ready ?? svc.alive;
}

/** True when the service gets a healthcheck, so dependents may wait for service_healthy. */
function hasHealthcheck(svc: ServiceConfig): boolean {
  const probe = healthProbe(svc);
  return probe !== undefined && isMapped(probe);
}

function isMapped(p: ProbeConfig): boolean {
  return p.check.kind === "tcp" || p.check.kind === "http" || p.check.kind === "exec";
}

/** tcp needs bash in the image, http curl; exec runs as is. */
function healthcheck(p: ProbeConfig, role: "ready" | "alive"): Entry {
  const check = p.check;
  const test =
    check.kind === "tcp" ? ["CMD", "bash", "-c", `exec 3<>/dev/tcp/127.0.0.1/${check.port}`]
    : check.kind === "http" ? ["CMD", "curl", "-fsS", "-o", "/dev/null", literal(check.url)]
    : check.kind === "exec" ? ["CMD", ...check.cmd.map(literal)]
    : [];
  return {
    test,
    interval: duration(p.intervalMs),
    timeout: duration(p.timeoutMs),
    ...(p.initialDelayMs > 0 ? { start_period: duration(p.initialDelayMs) } : {}),
    ...(role === "alive" ? { retries: p.failureThreshold } : {}),
  };
}

function noteGaps(svc: ServiceConfig, dir: string, gaps: Gaps): void {
  if (svc.cwd !== dir) gaps.add("a host folder; the image's WORKDIR applies", `${svc.name}.cwd`);
  const restart = ["max_restarts", "restart_window", "restart_delay", "restart_max_delay", "restart_reset_after"] as const;
  for (const key of tunedRestartKeys(svc, restart)) gaps.add("docker's own restart backoff applies", key);
}

/** compose interpolates `$NAME`; `$$` is a literal `$`. */
function literal(text: string): string {
  return text.replace(/\$/g, "$$$$");
}

