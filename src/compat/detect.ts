/** Which foreign format a config file is written in, by its name (and, for process-compose, its top-level keys). */
import { basename } from "node:path";

/** The formats read besides canopy's own. */
export type ForeignFormat = "procfile" | "process-compose" | "compose" | "supervisord" | "pm2";

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

/** `supervisord.conf`, or any `.conf` / `.ini` file (canopy's own are never either): read as supervisord's INI. */
export function isSupervisordName(path: string): boolean {
  return /\.(conf|ini)$/i.test(basename(path));
}

/** A JavaScript file: only PM2's ecosystem files are read as one, and only when named on the command line. */
export function isJavaScriptName(path: string): boolean {
  return /\.(c|m)?js$/i.test(basename(path));
}

/** `ecosystem*.json` / `.yaml` / `.yml` / `.js` / `.cjs` / `.mjs`, PM2's own names. */
export function isEcosystemName(path: string): boolean {
  return /^ecosystem.*\.(json|ya?ml|c?js|mjs)$/i.test(basename(path));
}

/** A parsed JSON or YAML top level with an `apps` list and no `services:`, as PM2 writes one. */
export function looksLikePm2(raw: unknown): boolean {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return false;
  return Array.isArray((raw as Record<string, unknown>).apps) && !("services" in raw);
}

/** A parsed YAML top level that has `processes:` and no `services:`. */
export function looksLikeProcessCompose(raw: unknown): boolean {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return false;
  return "processes" in raw && !("services" in raw);
}
