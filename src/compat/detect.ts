/** Which foreign format a config file is written in, by its name (and, for process-compose, its top-level keys). */
import { basename } from "node:path";

/** The formats read besides canopy's own. */
export type ForeignFormat = "procfile" | "process-compose" | "compose";

/** `Procfile`, `Procfile.<anything>` or `<anything>.procfile`. */
export function isProcfileName(path: string): boolean {
  const name = basename(path);
  return /^Procfile(\..+)?$/.test(name) || /.\.procfile$/i.test(name);
}

/** `process-compose*.yaml` or `process-compose*.yml`. */
export function isProcessComposeName(path: string): boolean {
  return /^process-compose.*\.ya?ml$/i.test(basename(path));
}

/** `compose.yaml`, `docker-compose.yml`, `compose.prod.yaml`, …: a compose file (its top level is `services:` too). */
export function isComposeName(path: string): boolean {
  return /^(docker-)?compose([.-].+)?\.ya?ml$/i.test(basename(path));
}

/** A parsed YAML top level that has `processes:` and no `services:`. */
export function looksLikeProcessCompose(raw: unknown): boolean {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return false;
  return "processes" in raw && !("services" in raw);
}
