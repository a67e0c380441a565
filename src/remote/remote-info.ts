/** What `canopy remote-info` tells the CLI on another machine: where its daemon listens, and its config (pure). */
import type { CanopyConfig } from "../config/types.ts";
import type { DaemonPaths } from "../daemon/paths.ts";
import { CanopyError, ERROR_TYPES, type ErrorType } from "../errors.ts";

/** The one JSON line remote-info prints. `config` is null when the file does not validate (`config_error` says why). */
export interface RemoteInfo {
  canopy_remote: 1;
  version: string;
  config_file: string;
  paths: DaemonPaths;
  daemon_running: boolean;
  config: CanopyConfig | null;
  config_error: string | null;
  warnings: string[];
}

/** Or, when not even the config file was found: the error, as the API would send it. */
export interface RemoteInfoError {
  canopy_remote: 1;
  error_type: string;
  error_description: string;
}

/** The config without any variable's value (nor where an env_file is): the CLI shows names, never values. */
export function withoutSecrets(config: CanopyConfig): CanopyConfig {
  return {
    ...config,
    services: config.services.map(({ envFile: _f, ...svc }) => ({ ...svc, env: Object.fromEntries(Object.keys(svc.env).map((k) => [k, ""])) })),
  };
}

/** Reads remote-info's stdout; undefined when it is not remote-info's answer (an old canopy, a chatty login shell's last line aside). */
export function parseRemoteInfo(stdout: string, label: string): RemoteInfo | undefined {
  const line = stdout.trim().split("\n").at(-1) ?? "";
  let doc: unknown;
  try {
    doc = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof doc !== "object" || doc === null || (doc as { canopy_remote?: unknown }).canopy_remote !== 1) return undefined;
  const err = doc as Partial<RemoteInfoError>;
  if (typeof err.error_type === "string") {
    const type: ErrorType = Object.hasOwn(ERROR_TYPES, err.error_type) ? (err.error_type as ErrorType) : "internal";
    throw new CanopyError(type, `on ${label}: ${err.error_description ?? "remote-info failed"}`, { host: label });
  }
  return doc as RemoteInfo;
}
