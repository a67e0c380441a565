/** Cross-service checks of `depends_on`: known names, default conditions, impossible conditions, cycles (pure). */
import { findCycle } from "./dag.ts";
import type { DeclaredDependency } from "./depends-schema.ts";
import { closestKey } from "./suggest.ts";
import type { Dependency } from "./types.ts";

/** What is known of a service that others may depend on (read from its raw settings, valid or not). */
export interface DependencyTarget {
  /** It has a ready probe: an explicit `ready:` or a `port:`. */
  hasReady: boolean;
  /** Its restart policy as written (undefined → the default, `always`). */
  restart: unknown;
}

/** Records a problem with `field` of service `service`. */
export type ServiceReport = (service: string, field: string, message: string) => void;

/**
 * Resolves each service's declared dependencies against `targets` (every service written, in file order):
 * fills default conditions (`healthy` when the target has a ready probe, else `started`) and reports unknown
 * names, conditions that can never be met, and every disjoint cycle (on its first service in file order).
 */
export function resolveDependencies(
  declared: Map<string, DeclaredDependency[]>,
  targets: Map<string, DependencyTarget>,
  report: ServiceReport,
): Map<string, Dependency[]> {
  const resolved = new Map<string, Dependency[]>();
  for (const [name, deps] of declared) {
    const out: Dependency[] = [];
    for (const dep of deps) {
      const target = targets.get(dep.service);
      if (target === undefined) {
        report(name, dep.field, unknownMessage(dep.service, [...targets.keys()]));
        continue;
      }
      const condition = dep.condition ?? (target.hasReady ? "healthy" : "started");
      const why = impossible(dep.service, condition, target);
      if (why !== undefined) report(name, dep.condition === undefined ? dep.field : `${dep.field}.condition`, why);
      out.push({ service: dep.service, condition });
    }
    resolved.set(name, out);
  }
  reportCycles(resolved, [...targets.keys()], report);
  return resolved;
}

function unknownMessage(name: string, known: string[]): string {
  const guess = closestKey(name, known);
  const hint = guess !== undefined ? `; did you mean ${guess}?` : known.length > 0 ? `; services: ${known.join(", ")}` : "";
  return `unknown service "${name}"${hint}`;
}

/** Why `condition` on `name` can never be met, if so. */
function impossible(name: string, condition: Dependency["condition"], target: DependencyTarget): string | undefined {
  if (condition === "completed" && (target.restart === undefined || target.restart === "always")) {
    return `condition completed waits for "${name}" to exit, but it has restart: always so it never completes; ` +
      `give ${name} restart: on-failure or never, or wait for started/healthy`;
  }
  if (condition === "healthy" && !target.hasReady) {
    return `condition healthy needs "${name}" to have a ready probe (ready: or port:); add one, or wait for started`;
  }
  return undefined;
}

/** Reports each cycle once, then drops its services and looks again. */
function reportCycles(resolved: Map<string, Dependency[]>, fileOrder: string[], report: ServiceReport): void {
  const graph = new Map([...resolved].map(([name, deps]) => [name, deps.map((d) => d.service)]));
  for (let cycle = findCycle(graph); cycle !== undefined; cycle = findCycle(graph)) {
    const ring = rotateToFirst(cycle.slice(0, -1), fileOrder);
    const head = ring[0] ?? "";
    const self = ring.length === 1 ? " (a service cannot depend on itself)" : "";
    report(head, "depends_on", `dependency cycle: ${[...ring, head].join(" → ")}${self}`);
    for (const node of ring) graph.delete(node);
  }
}

/** The ring of nodes started at the one written first. */
function rotateToFirst(ring: string[], fileOrder: string[]): string[] {
  const rank = (n: string) => fileOrder.indexOf(n);
  const start = ring.reduce((best, n, i) => (rank(n) < rank(ring[best] ?? "") ? i : best), 0);
  return [...ring.slice(start), ...ring.slice(0, start)];
}
