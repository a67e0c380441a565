/** What a reload changes: added, removed, changed (any setting, env values included) and unchanged. */
import { describe, expect, test } from "bun:test";
import type { ServiceConfig } from "../../src/config/index.ts";
import { planReload } from "../../src/orchestration/reload-plan.ts";

function svc(name: string, extra: Partial<ServiceConfig> = {}): ServiceConfig {
  return {
    name,
    cmd: ["bun", `${name}.ts`],
    cwd: "/srv",
    env: {},
    restart: "always",
    maxRestarts: 5,
    restartWindowMs: 60_000,
    restartDelayMs: 100,
    stopSignal: "SIGTERM",
    stopTimeoutMs: 5_000,
    autostart: true,
    dependsOn: [],
    restartMaxDelayMs: 30_000,
    restartResetAfterMs: 60_000,
    ...extra,
  };
}

describe("planReload", () => {
  test("sorts every service into exactly one of the four, in file order", () => {
    const before = [svc("keep"), svc("gone"), svc("edit", { env: { X: "1" } }), svc("also")];
    const after = [svc("also"), svc("edit", { env: { X: "2" } }), svc("keep"), svc("new")];
    expect(planReload(before, after)).toEqual({ added: ["new"], removed: ["gone"], changed: ["edit"], unchanged: ["also", "keep"] });
  });

  test("identical lists: everything unchanged", () => {
    const list = [svc("a"), svc("b", { port: 8080, env: { PORT: "8080" } })];
    expect(planReload(list, list.map((s) => structuredClone(s)))).toEqual({ added: [], removed: [], changed: [], unchanged: ["a", "b"] });
  });

  test("key order inside a setting does not count as a change", () => {
    const a = svc("a", { env: { A: "1", B: "2" } });
    const b = svc("a", { env: { B: "2", A: "1" } });
    expect(planReload([a], [b]).unchanged).toEqual(["a"]);
  });

  const changes: [string, Partial<ServiceConfig>][] = [
    ["cmd", { cmd: ["bun", "other.ts"] }],
    ["an env value", { env: { X: "secret-2" } }],
    ["port", { port: 9000 }],
    ["restart policy", { restart: "never" }],
    ["stop timeout", { stopTimeoutMs: 1 }],
    ["autostart", { autostart: false }],
    ["depends_on condition", { dependsOn: [{ service: "db", condition: "healthy" }] }],
    ["ready probe", { ready: { check: { kind: "tcp", port: 1 }, intervalMs: 250, timeoutMs: 1000, initialDelayMs: 0, failureThreshold: 1 } }],
    ["backoff cap", { restartMaxDelayMs: 1 }],
  ];
  for (const [what, change] of changes) {
    test(`a different ${what} is a change`, () => {
      const before = svc("a", { env: { X: "secret-1" }, dependsOn: [{ service: "db", condition: "started" }] });
      const after = { ...before, ...change };
      expect(planReload([before], [after])).toEqual({ added: [], removed: [], changed: ["a"], unchanged: [] });
    });
  }

  test("from nothing and to nothing", () => {
    expect(planReload([], [svc("a")])).toEqual({ added: ["a"], removed: [], changed: [], unchanged: [] });
    expect(planReload([svc("a")], [])).toEqual({ added: [], removed: ["a"], changed: [], unchanged: [] });
  });
});
