/**
 * `replicas: N` (pure): a service runs as N copies, `NAME.1` … `NAME.N`, each its own process group, with
 * `CANOPY_REPLICA=i` and, with `port: P`, `PORT=P+i-1` and its own readiness gate. One copy keeps the plain
 * `NAME`. A service name has no dot (names.ts), so `NAME.i` is never another service's name.
 */
import type { ProbeConfig, ServiceConfig } from "./types.ts";

/** The most copies of one service (each is a process group and a log file). */
export const MAX_REPLICAS = 256;

/** The name of copy `index` of `service`. */
export function replicaName(service: string, index: number): string {
  return `${service}.${index}`;
}

/**
 * `web.2` → `{ service: "web", index: 2 }`; undefined for a name that is not a replica's. By hand, not by a
 * RegExp: the daemon asks this for every event, and a first RegExp pages in ~0.5 MiB of the executable's
 * code that an idle daemon otherwise never touches (its JIT is off).
 */
export function parseReplicaName(name: string): { service: string; index: number } | undefined {
  const dot = name.lastIndexOf(".");
  if (dot <= 0 || dot === name.length - 1) return undefined;
  for (let i = dot + 1; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 48 || c > 57 || (i === dot + 1 && c === 48)) return undefined;
  }
  return { service: name.slice(0, dot), index: Number(name.slice(dot + 1)) };
}

/** The service a process name belongs to: `web.2` → `web`, `web` → `web`. */
export function serviceOf(name: string): string {
  return parseReplicaName(name)?.service ?? name;
}

/** The process names of `service` running `count` copies: the plain name for one, else `NAME.1` … `NAME.N`. */
export function instanceNames(service: string, count: number): string[] {
  if (count <= 1) return [service];
  return Array.from({ length: count }, (_, i) => replicaName(service, i + 1));
}

/** True when the process `name` is `query` itself or one of its replicas. */
export function belongsTo(name: string, query: string): boolean {
  return name === query || serviceOf(name) === query;
}

/** The ports `port` … `port + count - 1` the copies of a service listen on (none without `port`). */
export function replicaPorts(port: number | undefined, count: number): number[] {
  if (port === undefined) return [];
  return Array.from({ length: Math.max(1, count) }, (_, i) => port + i);
}

/**
 * The settings each copy of `svc` runs with when `count` copies run: one copy is `svc` itself (its plain name, no
 * CANOPY_REPLICA); more are `NAME.i` with `CANOPY_REPLICA=i` and, with a port, `PORT`/`port` and the probes that
 * check that port moved to `P+i-1`. `replicas` is left out of each: a copy's settings do not change with the count.
 */
export function expandService(svc: ServiceConfig, count = svc.replicas ?? 1): ServiceConfig[] {
  // Most services: no copy made (status and every supervisor event expand the whole config).
  if (count <= 1 && svc.replicas === undefined) return [svc];
  const { replicas: _count, ...base } = svc;
  if (count <= 1) return [base];
  return Array.from({ length: count }, (_, i) => replicaOf(base, i + 1));
}

/** The processes of every service, at the counts `countOf` gives (the config's, unless scaled), in config order. */
export function expandServices(services: readonly ServiceConfig[], countOf: (svc: ServiceConfig) => number = (s) => s.replicas ?? 1): ServiceConfig[] {
  return services.flatMap((svc) => expandService(svc, countOf(svc)));
}

function replicaOf(svc: ServiceConfig, index: number): ServiceConfig {
  const shift = index - 1;
  const port = svc.port === undefined ? undefined : svc.port + shift;
  const env = { ...svc.env, CANOPY_REPLICA: String(index), ...(port === undefined ? {} : { PORT: String(port) }) };
  const ready = svc.ready && moveProbe(svc.ready, svc.port, port);
  const alive = svc.alive && moveProbe(svc.alive, svc.port, port);
  return {
    ...svc,
    name: replicaName(svc.name, index),
    env,
    ...(port === undefined ? {} : { port }),
    ...(ready ? { ready } : {}),
    ...(alive ? { alive } : {}),
    replica: { of: svc.name, index },
  };
}

/** A probe of the service's own port (`tcp: P`, or an http URL on port P) made to check `to` instead. */
export function moveProbe(probe: ProbeConfig, from: number | undefined, to: number | undefined): ProbeConfig {
  if (from === undefined || to === undefined || from === to) return probe;
  const check = probe.check;
  if (check.kind === "tcp" && check.port === from) return { ...probe, check: { kind: "tcp", port: to } };
  if (check.kind === "http") {
    const url = new URL(check.url);
    if (Number(url.port) === from) {
      url.port = String(to);
      return { ...probe, check: { kind: "http", url: url.toString() } };
    }
  }
  return probe;
}

/**
 * Services whose replica ports (`port + 1` … `port + replicas - 1`) take a port another service listens on: one problem
 * per clash, on the service with replicas, naming the other.
 */
export function replicaPortClashes(services: readonly ServiceConfig[]): { service: string; message: string }[] {
  const owner = new Map<number, string>();
  for (const svc of services) if (svc.port !== undefined) owner.set(svc.port, svc.name);
  const clashes: { service: string; message: string }[] = [];
  for (const svc of services) {
    if ((svc.replicas ?? 1) <= 1 || svc.port === undefined) continue;
    for (const [i, port] of replicaPorts(svc.port, svc.replicas ?? 1).entries()) {
      // The service's own port is not a replica's: a clash on it is the other side's to report.
      if (i === 0) continue;
      const other = ownerOf(services, owner, port, svc.name);
      if (other !== undefined) {
        clashes.push({ service: svc.name, message: `replica ${i + 1} would listen on port ${port}, which ${other} uses; move port or lower replicas` });
      }
    }
  }
  return clashes;
}

/** Another service listening on `port`: by its own port, or through its replicas' range. */
function ownerOf(services: readonly ServiceConfig[], owner: Map<number, string>, port: number, self: string): string | undefined {
  const direct = owner.get(port);
  if (direct !== undefined && direct !== self) return `"${direct}"`;
  for (const other of services) {
    if (other.name === self || other.port === undefined || (other.replicas ?? 1) <= 1) continue;
    const at = replicaPorts(other.port, other.replicas ?? 1).indexOf(port);
    if (at > 0) return `replica ${at + 1} of "${other.name}"`;
  }
  return undefined;
}

/**
 * Why `name` cannot run `count` copies now (`canopy scale`), or undefined when it can: the checks the config's
 * `replicas:` gets (schedule, ports past 65535, ports another service uses), against the counts running now.
 */
export function scaleProblem(
  services: readonly ServiceConfig[],
  name: string,
  count: number,
  countOf: (svc: ServiceConfig) => number,
): string | undefined {
  const svc = services.find((s) => s.name === name);
  if (!svc) return undefined;
  if (svc.schedule !== undefined && count > 1) return `${name} runs on a schedule: one process per tick, so it cannot have replicas`;
  if (svc.port !== undefined && svc.port + count - 1 > 65_535) return `replica ${count} would get port ${svc.port + count - 1}, past 65535`;
  const now = services.map((s) => ({ ...s, replicas: s.name === name ? count : countOf(s) }));
  return replicaPortClashes(now).find((c) => c.service === name)?.message.replace(/; move port or lower replicas$/, "");
}
