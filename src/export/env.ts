/** A service's environment as written in its config, without what its env_file supplied (pure). */
import type { ServiceConfig } from "../config/types.ts";

/** The variables a service sets itself (`env:` and `PORT`): those that only its env_file supplied are left out. */
export function ownEnv(svc: ServiceConfig): [string, string][] {
  const fromFile = new Set(svc.envFile?.keys ?? []);
  return Object.entries(svc.env).filter(([k]) => !fromFile.has(k));
}
