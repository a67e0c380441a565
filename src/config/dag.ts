/** The dependency graph between services: cycles, start/stop order, dependents (pure). */
import { CanopyError } from "../errors.ts";
import type { ServiceConfig } from "./types.ts";

/**
 * A cycle in `graph` (node → the nodes it depends on), closed: `["a", "b", "c", "a"]`; a self-loop is `["a", "a"]`.
 * Nodes are visited in map order; targets that are not keys of `graph` are leaves. Undefined when acyclic.
 */
export function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const done = new Set<string>();
  const path: string[] = [];
  const onPath = new Set<string>();
  const visit = (node: string): string[] | undefined => {
    if (onPath.has(node)) return [...path.slice(path.indexOf(node)), node];
    if (done.has(node) || !graph.has(node)) return undefined;
    path.push(node);
    onPath.add(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    onPath.delete(node);
    done.add(node);
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

/**
 * Start levels: every service in a level depends only on services in earlier levels; file order within a level.
 * Dependencies on services not in `services` are ignored. Throws CanopyError("invalid_config") naming a cycle.
 */
export function startOrder(services: ServiceConfig[]): string[][] {
  const graph = graphOf(services);
  const cycle = findCycle(graph);
  if (cycle) throw new CanopyError("invalid_config", `dependency cycle: ${cycle.join(" → ")}`, { cycle });
  const level = new Map<string, number>();
  const levelOf = (name: string): number => {
    const known = level.get(name);
    if (known !== undefined) return known;
    const deps = graph.get(name) ?? [];
    const value = deps.length === 0 ? 0 : 1 + Math.max(...deps.map(levelOf));
    level.set(name, value);
    return value;
  };
  const levels: string[][] = [];
  for (const svc of services) {
    const n = levelOf(svc.name);
    while (levels.length <= n) levels.push([]);
    levels[n]?.push(svc.name);
  }
  return levels;
}

/** Stop levels: dependents before what they depend on (startOrder reversed). */
export function stopOrder(services: ServiceConfig[]): string[][] {
  return startOrder(services).reverse();
}

/** Every service that depends on `name`, directly or through others, in file order (`name` itself excluded). */
export function dependentsOf(name: string, services: ServiceConfig[]): string[] {
  const found = new Set<string>([name]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const svc of services) {
      if (found.has(svc.name) || !svc.dependsOn.some((d) => found.has(d.service))) continue;
      found.add(svc.name);
      grew = true;
    }
  }
  return services.map((s) => s.name).filter((n) => n !== name && found.has(n));
}

/** name → the names it depends on, keeping only names in `services`. */
function graphOf(services: ServiceConfig[]): Map<string, string[]> {
  const names = new Set(services.map((s) => s.name));
  return new Map(services.map((s) => [s.name, s.dependsOn.map((d) => d.service).filter((d) => names.has(d))]));
}
