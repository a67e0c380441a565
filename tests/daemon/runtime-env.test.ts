import { describe, expect, test } from "bun:test";
import { DAEMON_JSC_SETTINGS, daemonRuntimeVars, dropDaemonRuntimeEnv, withDaemonRuntimeEnv } from "../../src/daemon/runtime-env.ts";

describe("daemon runtime env", () => {
  test("adds every setting the user has not set, and names them in a marker", () => {
    const env = withDaemonRuntimeEnv({ PATH: "/bin" });
    for (const [name, value] of Object.entries(DAEMON_JSC_SETTINGS)) expect(env[name]).toBe(value);
    expect(env.CANOPY_DAEMON_ENV?.split(",").sort()).toEqual(Object.keys(DAEMON_JSC_SETTINGS).sort());
    expect(env.PATH).toBe("/bin");
  });

  test("keeps a setting the user chose, and leaves it in place when dropping", () => {
    const env = withDaemonRuntimeEnv({ BUN_JSC_useDFGJIT: "1" });
    expect(env.BUN_JSC_useDFGJIT).toBe("1");
    expect(env.CANOPY_DAEMON_ENV).not.toContain("BUN_JSC_useDFGJIT");
    dropDaemonRuntimeEnv(env);
    expect(env).toEqual({ BUN_JSC_useDFGJIT: "1" });
  });

  test("nothing to add when the user set them all; dropping without a marker changes nothing", () => {
    const all = { ...DAEMON_JSC_SETTINGS };
    expect(daemonRuntimeVars(all)).toEqual([]);
    const env: Record<string, string | undefined> = { ...all };
    dropDaemonRuntimeEnv(env);
    expect(env).toEqual(all);
  });

  test("a marker naming something else removes only the daemon's own settings", () => {
    const env: Record<string, string | undefined> = { HOME: "/h", CANOPY_DAEMON_ENV: "HOME,BUN_JSC_useDFGJIT", BUN_JSC_useDFGJIT: "0" };
    dropDaemonRuntimeEnv(env);
    expect(env).toEqual({ HOME: "/h" });
  });
});
