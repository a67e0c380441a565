/** Validation of the `services:` mapping as a whole: each service, then the dependencies between them (pure). */
import { isMapping } from "./checks.ts";
import { resolveDependencies, type DependencyTarget } from "./dependencies.ts";
import { parseDependsOn, type DeclaredDependency } from "./depends-schema.ts";
import { caseClashes } from "./names.ts";
import { replicaPortClashes } from "./replicas.ts";
import { validateService } from "./service-schema.ts";
import type { ConfigProblem, ServiceConfig } from "./types.ts";

/** Valid services (in object order) and their absolute `env_file` paths; problems are pushed onto `problems`. */
export function validateServices(
  raw: Record<string, unknown>,
  dir: string,
  problems: ConfigProblem[],
): { services: ServiceConfig[]; envFiles: Map<string, string> } {
  const services: ServiceConfig[] = [];
  const envFiles = new Map<string, string>();
  const declared = new Map<string, DeclaredDependency[]>();
  const targets = new Map<string, DependencyTarget>();
  for (const [name, value] of Object.entries(raw)) {
    const report = (field: string, message: string) => problems.push({ service: name, field, message });
    targets.set(name, targetOf(value));
    if (isMapping(value) && value.depends_on !== undefined) declared.set(name, parseDependsOn(value.depends_on, report));
    const result = validateService(name, value, dir, report);
    if (!result) continue;
    services.push(result.service);
    if (result.envFile !== undefined) envFiles.set(name, result.envFile);
  }
  for (const { name, earlier } of caseClashes(Object.keys(raw))) {
    problems.push({ service: name, field: "", message: `differs from "${earlier}" only in case; rename one (their log files would be one file on a case-insensitive disk)` });
  }
  for (const { service, message } of replicaPortClashes(services)) problems.push({ service, field: "replicas", message });
  const resolved = resolveDependencies(declared, targets, (service, field, message) => problems.push({ service, field, message }));
  for (const service of services) service.dependsOn = resolved.get(service.name) ?? [];
  return { services, envFiles };
}

/** What dependents need to know of a service, read from its settings as written. */
function targetOf(value: unknown): DependencyTarget {
  if (!isMapping(value)) return { hasReady: false, restart: undefined };
  return { hasReady: value.ready !== undefined || value.port !== undefined, restart: value.restart };
}
