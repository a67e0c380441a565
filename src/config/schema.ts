/** Pure validation of a parsed config file: unknown value → CanopyConfig, collecting every problem. */
import { checkBool, checkInt, checkParsed, checkUnknownKeys, describe, isMapping, type Report } from "./checks.ts";
import { DEFAULTS, LIMITS } from "./defaults.ts";
import { validateControl } from "./control-schema.ts";
import { validateNotify } from "./notify-schema.ts";
import { validateServices } from "./service-set.ts";
import { parseSize } from "./size.ts";
import type { CanopyConfig, ConfigProblem, LogsConfig } from "./types.ts";

/** The keys allowed at the top of a config file. */
export const TOP_LEVEL_KEYS = ["services", "logs", "control", "notify"] as const;
/** The keys allowed under `logs:`. */
export const LOGS_KEYS = ["max_size", "max_files", "timestamps"] as const;

/** What validation produced: the config (meaningful only when `problems` is empty) and env files still to read. */
export interface ValidationResult {
  config: CanopyConfig;
  /** Service name → absolute `env_file` path, to be read and merged under the service's `env`. */
  envFiles: Record<string, string>;
  problems: ConfigProblem[];
}

/** Validates a parsed config for the file at `file` (absolute) in folder `dir`; never throws for bad input. */
export function validateConfig(raw: unknown, where: { file: string; dir: string }): ValidationResult {
  const problems: ConfigProblem[] = [];
  const config: CanopyConfig = {
    file: where.file,
    dir: where.dir,
    services: [],
    logs: { maxSizeBytes: DEFAULTS.logMaxSizeBytes, maxFiles: DEFAULTS.logMaxFiles },
  };
  const envFiles = new Map<string, string>();
  const top: Report = (field, message) => problems.push({ field, message });

  if (!isMapping(raw)) {
    top("", `expected a mapping with a services key at the top of the file, got ${describe(raw)}`);
    return { config, envFiles: {}, problems };
  }
  checkUnknownKeys(raw, TOP_LEVEL_KEYS, "", top);
  if (raw.logs !== undefined && raw.logs !== null) config.logs = validateLogs(raw.logs, top) ?? config.logs;
  const control = raw.control === undefined || raw.control === null ? undefined : validateControl(raw.control, where.dir, top);
  if (control !== undefined) config.control = control;
  // A bare `notify:` (null) is refused, not ignored: it names no notifier, which is what the user must hear.
  const notify = raw.notify === undefined ? undefined : validateNotify(raw.notify, top);
  if (notify !== undefined) config.notify = notify;

  if (raw.services === undefined) {
    top("services", "missing; list the services to run under services: (services: {} for none)");
  } else if (!isMapping(raw.services)) {
    top("services", `expected a mapping of service name to settings, got ${describe(raw.services)}`);
  } else {
    const { services, envFiles: files } = validateServices(raw.services, where.dir, problems);
    config.services = services;
    for (const [name, file] of files) envFiles.set(name, file);
  }
  return { config, envFiles: Object.fromEntries(envFiles), problems };
}

function validateLogs(raw: unknown, report: Report): LogsConfig | undefined {
  if (!isMapping(raw)) {
    report("logs", `expected a mapping with max_size, max_files and/or timestamps, got ${describe(raw)}`);
    return undefined;
  }
  checkUnknownKeys(raw, LOGS_KEYS, "logs.", report);
  const sizeRange = { min: LIMITS.minLogSizeBytes, max: LIMITS.maxLogSizeBytes, minText: "1KB", maxText: "1TB" };
  const maxSizeBytes =
    raw.max_size === undefined ? DEFAULTS.logMaxSizeBytes : checkParsed(raw.max_size, "logs.max_size", parseSize, sizeRange, report);
  const maxFiles =
    raw.max_files === undefined ? DEFAULTS.logMaxFiles : checkInt(raw.max_files, "logs.max_files", 1, LIMITS.maxLogFiles, report);
  const timestamps = raw.timestamps === undefined ? true : checkBool(raw.timestamps, "logs.timestamps", report);
  if (maxSizeBytes === undefined || maxFiles === undefined || timestamps === undefined) return undefined;
  // Only `false` is kept: stamped is the default, and a config that leaves the key out reads as before.
  return timestamps ? { maxSizeBytes, maxFiles } : { maxSizeBytes, maxFiles, timestamps };
}
