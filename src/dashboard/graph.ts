/** The dependency graph the page draws: every service and its `depends_on` edges with their conditions. */
import type { CanopyConfig } from "../config/index.ts";

export interface GraphDocument {
  services: { name: string; depends_on: { service: string; condition: string }[] }[];
}

export function graphOf(config: CanopyConfig | undefined): GraphDocument {
  return {
    services: (config?.services ?? []).map((s) => ({
      name: s.name,
      depends_on: s.dependsOn.map((d) => ({ service: d.service, condition: d.condition })),
    })),
  };
}
