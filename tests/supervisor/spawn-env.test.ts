// The environment a child receives: the supervisor's, read at spawn time, overlaid with
// the request's, and never the supervisor's own PORT.
import { afterEach, describe, expect, test } from "bun:test";
import { type SpawnRequest, Supervisor } from "../../src/supervisor.ts";
import { childEnv } from "../../src/supervisor/spawn.ts";
import { makeFleet } from "./helpers.ts";

const VAR = "CANOPY_TEST_SPAWN_TIME_VAR";
const savedPort = process.env.PORT;

afterEach(() => {
  delete process.env[VAR];
  if (savedPort === undefined) delete process.env.PORT;
  else process.env.PORT = savedPort;
});

function setup(baseEnv?: () => Record<string, string | undefined>) {
  const fleet = makeFleet();
  const sup = new Supervisor({
    spawnFn: fleet.spawn,
    killFn: fleet.killFn,
    output: () => {},
    ...(baseEnv ? { baseEnv } : {}),
  });
  return { fleet, sup };
}

describe("child environment", () => {
  test("each spawn gets process.env as it is at spawn time, merged with the request's env", async () => {
    const { fleet, sup } = setup();
    process.env[VAR] = "set-after-construction";
    const req: SpawnRequest = { short: "svc", cmd: ["x"], env: { FROM_REQUEST: "yes" } };
    await sup.start(req);
    process.env[VAR] = "changed-before-restart";
    await sup.restart("svc");

    expect(fleet.requests.map((r) => [r.env?.[VAR], r.env?.FROM_REQUEST])).toEqual([
      ["set-after-construction", "yes"],
      ["changed-before-restart", "yes"],
    ]);
    expect(fleet.requests[0]?.env?.PATH).toBe(process.env.PATH);
  });

  test("the request's env wins over the supervisor's", async () => {
    const { fleet, sup } = setup(() => ({ SHARED: "base", ONLY_BASE: "1" }));
    await sup.start({ short: "svc", cmd: ["x"], env: { SHARED: "request" } });
    expect(fleet.requests[0]?.env).toEqual({ SHARED: "request", ONLY_BASE: "1" });
  });

  test("a PORT in baseEnv never reaches a child whose request sets none; the request's PORT does", async () => {
    const { fleet, sup } = setup(() => ({ PORT: "9999", PATH: "/bin", UNSET: undefined }));
    await sup.start({ short: "a", cmd: ["x"], env: { A: "1" } });
    await sup.start({ short: "b", cmd: ["x"] });
    await sup.start({ short: "c", cmd: ["x"], env: { PORT: "4100" } });
    expect(fleet.requests.map((r) => r.env)).toEqual([
      { PATH: "/bin", A: "1" },
      { PATH: "/bin" },
      { PATH: "/bin", PORT: "4100" },
    ]);
  });

  test("a PORT in process.env never reaches a child whose request sets none", async () => {
    const { fleet, sup } = setup();
    process.env.PORT = "9998";
    await sup.start({ short: "svc", cmd: ["x"] });
    expect(fleet.requests[0]?.env).not.toHaveProperty("PORT");
    expect(fleet.requests[0]?.env?.PATH).toBe(process.env.PATH);
  });

  test("childEnv drops undefined values and does not modify its inputs", () => {
    const base = { PORT: "1", KEEP: "k", GONE: undefined };
    const overlay = { X: "x" };
    expect(childEnv(base, overlay)).toEqual({ KEEP: "k", X: "x" });
    expect(base).toEqual({ PORT: "1", KEEP: "k", GONE: undefined });
    expect(overlay).toEqual({ X: "x" });
  });
});
