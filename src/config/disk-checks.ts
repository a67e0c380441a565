/** The checks that need the disk (or this process) once a config has validated: service folders, env files, accounts, nice and limits, the control token file. */
import { readFileSync, statSync } from "node:fs";
import { isCanopyError } from "../errors.ts";
import type { AccountDb } from "../os/account-files.ts";
import { readAccountDb } from "../os/accounts.ts";
import { type LimitFacts, readLimitFacts } from "../os/process-limits.ts";
import { accountEnv, resolveRunAs } from "./accounts.ts";
import { parseDotenv } from "./dotenv.ts";
import { limitProblems } from "./limit-checks.ts";
import { cgroupLimitProblems } from "./cgroup-checks.ts";
import { containmentFacts } from "../os/cgroup/facts.ts";
import { tokenFileProblem } from "./token-file.ts";
import type { CanopyConfig, ConfigProblem, ServiceConfig } from "./types.ts";

/** Checks every service (merging env files into `env`, in place) and the control token file. */
export function checkConfigOnDisk(config: CanopyConfig, envFiles: Record<string, string>): ConfigProblem[] {
  let accounts: AccountDb | undefined;
  let facts: LimitFacts | undefined;
  const problems = config.services.flatMap((service) => [
    ...checkServiceOnDisk(service, envFiles[service.name]),
    ...(service.user === undefined && service.group === undefined ? [] : checkRunAs(service, (accounts ??= readAccountDb()))),
    ...(service.nice === undefined && service.limits === undefined
      ? []
      : limitProblems(service, (facts ??= readLimitFacts())).map((p) => ({ service: service.name, ...p }))),
    ...(service.cgroupLimits === undefined ? [] : cgroupLimitProblems(service.cgroupLimits, containmentFacts()).map((p) => ({ service: service.name, ...p }))),
  ]);
  const token = config.control === undefined ? undefined : tokenFileProblem(config.control.tokenFile);
  if (token !== undefined) problems.push({ field: "control.token_file", message: token });
  return problems;
}

/** Checks that the service's cwd exists and merges its env_file (if any) under its env, in place. */
function checkServiceOnDisk(service: ServiceConfig, envFile: string | undefined): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (!isDirectory(service.cwd)) problems.push({ service: service.name, field: "cwd", message: `folder not found: ${service.cwd}` });
  if (envFile !== undefined) {
    try {
      const fromFile = parseDotenv(readFileSync(envFile, "utf8"));
      const keys = Object.keys(fromFile);
      const shadowed = keys.filter((k) => Object.hasOwn(service.env, k));
      service.env = { ...fromFile, ...service.env };
      service.envFile = { path: envFile, keys: keys.filter((k) => !shadowed.includes(k)), shadowed };
    } catch (err) {
      problems.push({ service: service.name, field: "env_file", message: envFileMessage(envFile, err) });
    }
  }
  return problems;
}

/** Resolves `user:`/`group:` to an account (`runAs`), its login variables under the service's env, in place. */
function checkRunAs(service: ServiceConfig, accounts: AccountDb): ConfigProblem[] {
  const resolved = resolveRunAs(service, accounts);
  if ("problems" in resolved) return resolved.problems.map((p) => ({ service: service.name, ...p }));
  service.runAs = resolved.runAs;
  service.env = { ...accountEnv(resolved.runAs), ...service.env };
  return [];
}

function envFileMessage(envFile: string, err: unknown): string {
  if (isCanopyError(err)) return `in ${envFile}: ${err.message}`;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return `file not found: ${envFile}`;
  if (code === "EISDIR") return `is a folder, not a file: ${envFile}`;
  return `cannot read ${envFile}: ${err instanceof Error ? err.message : String(err)}`;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
