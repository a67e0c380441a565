/** A config → Kubernetes manifests: a Deployment per service and a Service per port (pure). */
import type { ProbeConfig, ServiceConfig } from "../config/types.ts";
import { ownEnv } from "./env.ts";
import { imagesOf } from "./image.ts";
import { kubeNames } from "./kube-name.ts";
import { tunedRestartKeys } from "./restart-tuning.ts";
import { createGaps, type ExportInput, type ExportResult } from "./types.ts";

type Gaps = ReturnType<typeof createGaps>;
type Manifest = Record<string, unknown>;

/**
 * `<name>.yaml` per service: its Deployment (`replicas:`, 0 when `autostart: false`) and, with a
 * port, a ClusterIP Service. ready/alive become readiness/liveness probes of the same kind
 * (tcp → tcpSocket, http → httpGet, exec → exec); `log` and `notify` have none. Ordering
 * (depends_on), restart policies other than always, the restart budget, env_file values and
 * host folders do not carry over and are named in `unmapped`.
 */
export function toKubernetes(input: ExportInput): ExportResult {
  const { config, stack } = input;
  const gaps = createGaps();
  const images = imagesOf(config.services, input.image, "kubernetes");
  const names = kubeNames(config.services.map((s) => s.name));
  const files = config.services.map((svc) => {
    const name = names.get(svc.name) as string;
    if (name !== svc.name) gaps.add("renamed to a valid Kubernetes name", `${svc.name} → ${name}`);
    // A function, not one object: the YAML writer turns an object used twice into an anchor and aliases.
    const labels = () => ({ "app.kubernetes.io/name": name, "app.kubernetes.io/part-of": stack });
    const docs = [deployment(svc, name, labels, images.get(svc.name) as string, config.dir, gaps)];
    if (svc.port !== undefined) docs.push(service(name, labels, svc.port));
    return { name: `${name}.yaml`, text: `${header(config.file)}\n${docs.map(yaml).join("---\n")}` };
  });
  return { files, unmapped: gaps.list() };
}

function deployment(svc: ServiceConfig, name: string, labels: () => Record<string, string>, image: string, dir: string, gaps: Gaps): Manifest {
  noteGaps(svc, dir, gaps);
  const container: Manifest = { name, image, command: svc.cmd };
  const env = ownEnv(svc);
  if (env.length > 0) container.env = env.map(([k, v]) => ({ name: k, value: v }));
  if (svc.port !== undefined) container.ports = [{ name: "main", containerPort: svc.port, protocol: "TCP" }];
  const readiness = svc.ready === undefined ? undefined : probe(svc.ready, svc.name, "ready", gaps);
  if (readiness !== undefined) container.readinessProbe = readiness;
  const liveness = svc.alive === undefined ? undefined : probe(svc.alive, svc.name, "alive", gaps);
  if (liveness !== undefined) container.livenessProbe = liveness;
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, labels: labels() },
    spec: {
      replicas: svc.autostart ? svc.replicas ?? 1 : 0,
      selector: { matchLabels: labels() },
      template: {
        metadata: { labels: labels() },
        spec: { terminationGracePeriodSeconds: seconds(svc.stopTimeoutMs), containers: [container] },
      },
    },
  };
}

function service(name: string, labels: () => Record<string, string>, port: number): Manifest {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, labels: labels() },
    spec: { selector: labels(), ports: [{ name: "main", port, targetPort: port, protocol: "TCP" }] },
  };
}

/** The probe of the same kind; undefined (and a gap) for `log` and `notify`. */
function probe(p: ProbeConfig, service: string, role: "ready" | "alive", gaps: Gaps): Manifest | undefined {
  const check = p.check;
  let action: Manifest;
  switch (check.kind) {
    case "tcp":
      action = { tcpSocket: { port: check.port } };
      break;
    case "http":
      action = { httpGet: httpGet(check.url) };
      break;
    case "exec":
      action = { exec: { command: check.cmd } };
      break;
    case "log":
    case "notify":
      gaps.add("Kubernetes has no probe of that kind", `${service}.${role}.${check.kind}`);
      return undefined;
  }
  return {
    ...action,
    initialDelaySeconds: Math.ceil(p.initialDelayMs / 1000),
    periodSeconds: seconds(p.intervalMs),
    timeoutSeconds: seconds(p.timeoutMs),
    ...(role === "alive" ? { failureThreshold: p.failureThreshold } : {}),
  };
}

/** A loopback URL probes the pod itself (no host); another host is kept. */
function httpGet(url: string): Manifest {
  const u = new URL(url);
  const port = u.port === "" ? (u.protocol === "https:" ? 443 : 80) : Number(u.port);
  const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(u.hostname);
  return { path: `${u.pathname}${u.search}`, port, scheme: u.protocol === "https:" ? "HTTPS" : "HTTP", ...(loopback ? {} : { host: u.hostname }) };
}

function noteGaps(svc: ServiceConfig, dir: string, gaps: Gaps): void {
  if ((svc.replicas ?? 1) > 1) {
    gaps.add("pods are alike: each has its own address and listens on port itself; none gets CANOPY_REPLICA", `${svc.name}.replicas`);
  }
  for (const dep of svc.dependsOn) gaps.add("Kubernetes starts every Deployment at once", `${svc.name}.depends_on.${dep.service}`);
  if (svc.restart !== "always") gaps.add("a Deployment always restarts its pods", `${svc.name}.restart: ${svc.restart}`);
  if (svc.stopSignal !== "SIGTERM") gaps.add("the kubelet sends SIGTERM, or the image's STOPSIGNAL", `${svc.name}.stop_signal`);
  if (svc.envFile !== undefined) gaps.add("its values are not copied: put them in a Secret or ConfigMap", `${svc.name}.env_file`);
  if (svc.cwd !== dir) gaps.add("a host folder; the image's WORKDIR applies", `${svc.name}.cwd`);
  const restart = ["max_restarts", "restart_window", "restart_delay", "restart_max_delay", "restart_reset_after"] as const;
  for (const key of tunedRestartKeys(svc, restart)) gaps.add("the kubelet's own crash-loop backoff applies", key);
}

/** Whole seconds, at least 1 (Kubernetes' minimum period and timeout). */
function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

function yaml(doc: Manifest): string {
  return Bun.YAML.stringify(doc, null, 2).replace(/\n*$/, "\n");
}

function header(source: string): string {
  return `# Exported by \`canopy export --to kubernetes\` from ${source}`;
}
