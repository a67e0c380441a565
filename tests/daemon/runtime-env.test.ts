import { describe, expect, test } from "bun:test";
import {
  DAEMON_FFI_JSC_SETTINGS,
  DAEMON_JSC_SETTINGS,
  daemonRuntimeVars,
  dropDaemonRuntimeEnv,
  servicesNeedFfi,
  withDaemonRuntimeEnv,
} from "../../src/daemon/runtime-env.ts";

describe("daemon runtime env", () => {
  test("adds every setting the user has not set, and names them in a marker", () => {
    const env = withDaemonRuntimeEnv({ PATH: "/bin" });
    for (const [name, value] of Object.entries(DAEMON_JSC_SETTINGS)) expect(env[name]).toBe(value);
    expect(env.CANOPY_DAEMON_ENV?.split(",").sort()).toEqual(Object.keys(DAEMON_JSC_SETTINGS).sort());
    expect(env.PATH).toBe("/bin");
  });

  test("keeps a setting the user chose, and leaves it in place when dropping", () => {
    const [name, ours] = Object.entries(DAEMON_JSC_SETTINGS)[0] as [string, string];
    const theirs = ours === "0" ? "1" : "0";
    const env = withDaemonRuntimeEnv({ [name]: theirs });
    expect(env[name]).toBe(theirs);
    expect(env.CANOPY_DAEMON_ENV ?? "").not.toContain(name);
    dropDaemonRuntimeEnv(env);
    expect(env).toEqual({ [name]: theirs });
  });

  test("nothing to add when the user set them all; dropping without a marker changes nothing", () => {
    const all = { ...DAEMON_JSC_SETTINGS };
    expect(daemonRuntimeVars(all)).toEqual([]);
    const env: Record<string, string | undefined> = { ...all };
    dropDaemonRuntimeEnv(env);
    expect(env).toEqual(all);
  });

  test("a marker naming something else removes only the daemon's own settings", () => {
    const [name, value] = Object.entries(DAEMON_JSC_SETTINGS)[0] as [string, string];
    const env: Record<string, string | undefined> = { HOME: "/h", CANOPY_DAEMON_ENV: `HOME,${name}`, [name]: value };
    dropDaemonRuntimeEnv(env);
    expect(env).toEqual({ HOME: "/h" });
  });

  test("with bun:ffi: the JIT switch on and every tier off; dropped like the others", () => {
    const env = withDaemonRuntimeEnv({ PATH: "/bin" }, true);
    expect(env.BUN_JSC_useJIT).toBe("1");
    for (const tier of ["useBaselineJIT", "useDFGJIT", "useFTLJIT", "useRegExpJIT"]) expect(env[`BUN_JSC_${tier}`]).toBe("0");
    expect(env.CANOPY_DAEMON_ENV?.split(",").sort()).toEqual(Object.keys(DAEMON_FFI_JSC_SETTINGS).sort());
    dropDaemonRuntimeEnv(env);
    expect(env).toEqual({ PATH: "/bin" });
  });

  test("bun:ffi is wanted only for a service that is ready on sd_notify", () => {
    const notify = { ready: { check: { kind: "notify" as const }, intervalMs: 1, timeoutMs: 1, initialDelayMs: 0, failureThreshold: 1 } };
    const tcp = { ready: { check: { kind: "tcp" as const, port: 80 }, intervalMs: 1, timeoutMs: 1, initialDelayMs: 0, failureThreshold: 1 } };
    expect(servicesNeedFfi([])).toBe(false);
    expect(servicesNeedFfi([{}, tcp])).toBe(false);
    expect(servicesNeedFfi([tcp, notify])).toBe(true);
  });
});
