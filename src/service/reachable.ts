/** Whether the CLI in this shell will find the daemon an init system starts (pure). */
import { resolvePaths } from "../daemon/paths.ts";
import type { InitSystem } from "./locations.ts";
import type { Scope } from "./spec.ts";

/** The variables that decide a daemon's paths as the init system starts it: the pinned ones, HOME, and systemd --user's runtime dir. */
export function serviceEnvironment(init: InitSystem, scope: Scope, pinned: [string, string][], home: string, uid: number): Record<string, string> {
  const env: Record<string, string> = { HOME: home };
  if (init === "systemd" && scope === "user") env.XDG_RUNTIME_DIR = `/run/user/${uid}`;
  for (const [k, v] of pinned) env[k] = v;
  return env;
}

/** Advice lines when the daemon's socket under the init system differs from the one this shell's CLI uses; [] when they agree. */
export function reachabilityNote(opts: {
  configFile: string;
  shellEnv: Record<string, string | undefined>;
  serviceEnv: Record<string, string>;
  uid: number;
}): string[] {
  const here = resolvePaths({ configFile: opts.configFile, env: opts.shellEnv, uid: opts.uid });
  const there = resolvePaths({ configFile: opts.configFile, env: opts.serviceEnv, uid: opts.uid });
  if (here.socketPath === there.socketPath && here.stateDir === there.stateDir) return [];
  return [
    `Note: started this way the daemon listens on ${there.socketPath}, but canopy in this shell looks for ${here.socketPath}.`,
    "To let `canopy status` and friends reach it, pick one state folder for both and install again:",
    `  export CANOPY_STATE_DIR=${here.stateDir}   # in your shell profile too`,
  ];
}
