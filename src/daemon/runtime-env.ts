import type { ServiceConfig } from "../config/index.ts";

/**
 * JavaScriptCore settings for the daemon process, passed as environment variables (JSC reads
 * them once, when the VM starts). The daemon is a long-lived process whose JavaScript is
 * glue between system calls: JIT compilers buy it little and cost memory (their code, the
 * thunks they set up at start, the compiled code, a worker thread). Measured on 100 idle
 * services, like the bench: the optimizing tiers off took RSS 56 → 50 MiB; the baseline JIT
 * and the RegExp JIT off as well, 39.7 → 36.9 MiB (34.7 → 32.4 with none). The price is in
 * output floods: the bench's log scenario read 12.7M lines/s at 0.88 ms of CPU per MB with
 * the baseline JIT, 10.8M at 1.06 ms/MB without. A daemon idles far more than it floods.
 *
 * bun:ffi refuses to load under `useJIT=0` ("bun:ffi requires the JIT"), and sd_notify readiness
 * needs it (os/notify-socket.ts binds the socket through libc). So a config with a
 * `ready: {notify}` service gets the JIT switch on with every tier still off (`useJIT=1`,
 * DAEMON_FFI_JSC_SETTINGS); any other keeps the interpreter alone. The cost of the switch,
 * measured on Bun 1.4.5 with the compiled executable read back from disk: an idle `Bun.serve`
 * +1.0 MiB RSS over `useJIT=0` (27.6 → 28.6 MiB); the daemon +1.7 MiB idle (34.4 → 36.1) and
 * +2.2 MiB with 100 `sleep` services (37.2 → 39.4) — about 1 MiB of it the executable's own
 * code paged in, the rest JavaScriptCore's data. No other JSC option took back more than
 * 0.2 MiB (useWasm=0, useLLIntICs=0, useDOMJIT=0, useConcurrentJIT=0 and a small
 * jitMemoryReservationSize were tried). Loading bun:ffi then costs an idle `Bun.serve`
 * about 2.5 MiB (1.3 the module, the rest its first dlopen), only in a daemon that uses it.
 *
 * A daemon whose config gains its first notify service at a `reload` cannot load bun:ffi: that
 * service fails to start with a start error saying to restart the daemon. A foreground `canopy
 * up` (a container's PID 1, whose orphan reaper also calls libc) runs with Bun's defaults.
 *
 * The CLI adds them where it starts a daemon (`up -d`, a service unit) unless the user set
 * them, and names the ones it added in MARKER_VAR; the daemon removes those at start, so the
 * services it spawns never inherit them.
 */

/** The interpreter only: no JIT tier, no RegExp JIT. */
export const DAEMON_JSC_SETTINGS: Readonly<Record<string, string>> = {
  BUN_JSC_useJIT: "0",
};

/** The interpreter only (every JIT tier and the RegExp JIT off), with the JIT switch on so bun:ffi loads. */
export const DAEMON_FFI_JSC_SETTINGS: Readonly<Record<string, string>> = {
  BUN_JSC_useJIT: "1",
  BUN_JSC_useBaselineJIT: "0",
  BUN_JSC_useDFGJIT: "0",
  BUN_JSC_useFTLJIT: "0",
  BUN_JSC_useRegExpJIT: "0",
};

const MARKER_VAR = "CANOPY_DAEMON_ENV";

/** True when a daemon running `services` needs bun:ffi: a service is ready when it sends sd_notify's READY=1. */
export function servicesNeedFfi(services: readonly Pick<ServiceConfig, "ready">[]): boolean {
  return services.some((s) => s.ready?.check.kind === "notify");
}

/**
 * The variables to add to `env` for a daemon (with bun:ffi when `ffi`): the settings the user
 * has not set, and the marker naming them.
 */
export function daemonRuntimeVars(env: Record<string, string | undefined>, ffi = false): [string, string][] {
  const settings = ffi ? DAEMON_FFI_JSC_SETTINGS : DAEMON_JSC_SETTINGS;
  const added = Object.entries(settings).filter(([name]) => env[name] === undefined);
  if (added.length === 0) return [];
  return [...added, [MARKER_VAR, added.map(([name]) => name).join(",")]];
}

/** `env` with the daemon's runtime variables added (with bun:ffi when `ffi`). */
export function withDaemonRuntimeEnv(env: Record<string, string | undefined>, ffi = false): Record<string, string | undefined> {
  return { ...env, ...Object.fromEntries(daemonRuntimeVars(env, ffi)) };
}

/** Removes from `env` the variables the CLI added for this daemon (they have done their work). */
export function dropDaemonRuntimeEnv(env: Record<string, string | undefined>): void {
  const added = env[MARKER_VAR];
  if (added === undefined) return;
  for (const name of added.split(",")) if (name in DAEMON_JSC_SETTINGS || name in DAEMON_FFI_JSC_SETTINGS) delete env[name];
  delete env[MARKER_VAR];
}
