/** What a reload changes: added, removed, changed (any setting, env values included) and unchanged. */
import { describe, expect, test } from "bun:test";
import type { ServiceConfig } from "../../src/config/index.ts";
import { planReload } from "../../src/orchestration/reload-plan.ts";
import { serviceConfig } from "../helpers/service-config.ts";


describe("planReload", () => {
  test("sorts every service into exactly one of the four, in file order", () => {
    const before = [serviceConfig("keep"), serviceConfig("gone"), serviceConfig("edit", { env: { X: "1" } }), serviceConfig("also")];
    const after = [serviceConfig("also"), serviceConfig("edit", { env: { X: "2" } }), serviceConfig("keep"), serviceConfig("new")];
    expect(planReload(before, after)).toEqual({ added: ["new"], removed: ["gone"], changed: ["edit"], unchanged: ["also", "keep"] });
  });

  test("identical lists: everything unchanged", () => {
    const list = [serviceConfig("a"), serviceConfig("b", { port: 8080, env: { PORT: "8080" } })];
    expect(planReload(list, list.map((s) => structuredClone(s)))).toEqual({ added: [], removed: [], changed: [], unchanged: ["a", "b"] });
  });

  test("key order inside a setting does not count as a change", () => {
    const a = serviceConfig("a", { env: { A: "1", B: "2" } });
    const b = serviceConfig("a", { env: { B: "2", A: "1" } });
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
      const before = serviceConfig("a", { env: { X: "secret-1" }, dependsOn: [{ service: "db", condition: "started" }] });
      const after = { ...before, ...change };
      expect(planReload([before], [after])).toEqual({ added: [], removed: [], changed: ["a"], unchanged: [] });
    });
  }

  test("from nothing and to nothing", () => {
    expect(planReload([], [serviceConfig("a")])).toEqual({ added: ["a"], removed: [], changed: [], unchanged: [] });
    expect(planReload([serviceConfig("a")], [])).toEqual({ added: [], removed: ["a"], changed: [], unchanged: [] });
  });
});
