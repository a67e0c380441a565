/** Canopy service names as Kubernetes object names (pure). */
import { CanopyError } from "../errors.ts";

/**
 * A DNS-1035 label (what a Service name must be): `_` becomes `-`, trailing `-` go, and a name
 * not starting with a letter gets `s-` in front. Two services that would share a name are refused.
 */
export function kubeNames(services: string[]): Map<string, string> {
  const names = new Map<string, string>();
  const taken = new Map<string, string>();
  for (const service of services) {
    let name = service.replace(/_/g, "-").replace(/-+$/, "");
    if (!/^[a-z]/.test(name)) name = `s-${name}`;
    const other = taken.get(name);
    if (other !== undefined) throw new CanopyError("usage", `services ${other} and ${service} would both be named ${name} in Kubernetes; rename one`);
    taken.set(name, service);
    names.set(service, name);
  }
  return names;
}
