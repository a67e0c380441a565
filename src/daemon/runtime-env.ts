/**
 * JavaScriptCore settings for the daemon process, passed as environment variables (JSC reads
 * them once, when the VM starts). The daemon is a long-lived process whose JavaScript is
 * mostly glue between system calls: the optimizing JIT tiers buy it little and cost memory
 * (compiled code, and the compilers' own pages). Measured with `bun run bench` on 100 idle
 * services: RSS 56 → 50 MiB; log throughput and control latency unchanged.
 *
 * The CLI adds them where it starts a daemon (`up -d`, a service unit) unless the user set
 * them, and names the ones it added in MARKER_VAR; the daemon removes those at start, so the
 * services it spawns never inherit them.
 */

/** Baseline JIT only, and only for code hot enough to pay for it. */
export const DAEMON_JSC_SETTINGS: Readonly<Record<string, string>> = {
  BUN_JSC_useDFGJIT: "0",
  BUN_JSC_thresholdForJITAfterWarmUp: "20000",
  BUN_JSC_thresholdForJITSoon: "20000",
};

const MARKER_VAR = "CANOPY_DAEMON_ENV";

/** The variables to add to `env` for a daemon: the settings the user has not set, and the marker naming them. */
export function daemonRuntimeVars(env: Record<string, string | undefined>): [string, string][] {
  const added = Object.entries(DAEMON_JSC_SETTINGS).filter(([name]) => env[name] === undefined);
  if (added.length === 0) return [];
  return [...added, [MARKER_VAR, added.map(([name]) => name).join(",")]];
}

/** `env` with the daemon's runtime variables added. */
export function withDaemonRuntimeEnv(env: Record<string, string | undefined>): Record<string, string | undefined> {
  return { ...env, ...Object.fromEntries(daemonRuntimeVars(env)) };
}

/** Removes from `env` the variables the CLI added for this daemon (they have done their work). */
export function dropDaemonRuntimeEnv(env: Record<string, string | undefined>): void {
  const added = env[MARKER_VAR];
  if (added === undefined) return;
  for (const name of added.split(",")) if (name in DAEMON_JSC_SETTINGS) delete env[name];
  delete env[MARKER_VAR];
}
