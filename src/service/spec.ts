/** What an OS service definition says about one config's daemon, whatever the init system (pure). */
import type { CanopyConfig, ServiceConfig } from "../config/index.ts";
import { choiceArgs, stopOrder } from "../config/index.ts";
import type { DaemonPaths } from "../daemon/paths.ts";
import { daemonRuntimeVars, servicesNeedFfi } from "../daemon/runtime-env.ts";
import { CanopyError } from "../errors.ts";

/** Per-user service (systemd --user, LaunchAgent) or machine-wide (system unit, LaunchDaemon). */
export type Scope = "user" | "system";

/** Everything a unit file or plist is generated from. */
export interface ServiceSpec {
  /** The daemon id (`resolvePaths(...).id`); names the unit and the launchd label. */
  id: string;
  scope: Scope;
  configFile: string;
  /** The config's folder. */
  workingDirectory: string;
  /** The full command: the canopy executable (or bun + main.ts), then `up -c <config>`. */
  argv: string[];
  /** Variables pinned into the service's environment, in a stable order. */
  environment: [string, string][];
  /** How long the init system waits for `up` to stop every service before it kills what is left. */
  stopTimeoutSec: number;
  /** The daemon's state directory (launchd writes the daemon's own output there). */
  stateDir: string;
}

/** Inputs of buildServiceSpec: the loaded config, its paths, how to run canopy, and the installing environment. */
export interface SpecInputs {
  config: CanopyConfig;
  paths: DaemonPaths;
  /** argv prefix that runs this canopy (see selfCommand). */
  self: string[];
  env: Record<string, string | undefined>;
  scope: Scope;
}

/** The spec for running `canopy up -c <config>` in the foreground under an init system. */
export function buildServiceSpec(inputs: SpecInputs): ServiceSpec {
  const { config, paths, env } = inputs;
  const spec: ServiceSpec = {
    id: paths.id,
    scope: inputs.scope,
    configFile: config.file,
    workingDirectory: config.dir,
    argv: [...inputs.self, "up", "-c", config.file, ...choiceArgs(config.choice)],
    environment: [...pinnedEnvironment(env, paths), ...daemonRuntimeVars(env, servicesNeedFfi(config.services))],
    stopTimeoutSec: stopTimeoutSec(config.services),
    stateDir: paths.stateDir,
  };
  // A line break would end a unit setting early and start another one.
  const texts = [spec.configFile, spec.workingDirectory, spec.stateDir, ...spec.argv, ...spec.environment.flat()];
  const broken = texts.find((t) => /[\r\n]/.test(t));
  if (broken !== undefined) throw new CanopyError("usage", `cannot write a service definition for a value with a line break: ${JSON.stringify(broken)}`);
  return spec;
}

/**
 * The variables that decide where the daemon keeps its state (so the CLI in your shell finds it),
 * and PATH, so services resolve their commands as they do when you run `canopy up` yourself.
 */
export function pinnedEnvironment(env: Record<string, string | undefined>, paths: DaemonPaths): [string, string][] {
  const pinned: [string, string][] = [];
  if (env.CANOPY_STATE_DIR) pinned.push(["CANOPY_STATE_DIR", paths.stateDir]);
  else if (env.XDG_STATE_HOME?.startsWith("/")) pinned.push(["XDG_STATE_HOME", env.XDG_STATE_HOME]);
  if (env.PATH) pinned.push(["PATH", env.PATH]);
  return pinned;
}

/**
 * Twice the worst case of stopping everything, plus 10 s: services stop level by level (dependents
 * first), each level taking at most its longest `stop_timeout` before SIGKILL.
 */
export function stopTimeoutSec(services: ServiceConfig[]): number {
  const timeout = new Map(services.map((s) => [s.name, s.stopTimeoutMs]));
  const worstMs = stopOrder(services).reduce((sum, level) => sum + Math.max(0, ...level.map((n) => timeout.get(n) ?? 0)), 0);
  return Math.ceil((worstMs * 2) / 1000) + 10;
}
