/** The dependency gate: go, wait or blocked, for each condition and each state of a dependency. */
import { describe, expect, test } from "bun:test";
import type { Dependency } from "../../src/config/index.ts";
import { evaluateDependencies } from "../../src/orchestration/dependency-gate.ts";
import type { ServiceState, ServiceStatus } from "../../src/supervisor/types.ts";

function state(status: ServiceStatus, extra: Partial<ServiceState> = {}): ServiceState {
  return { short: "dep", status, restartsInWindow: 0, ready: false, cmd: ["x"], ...extra };
}

const states = (m: Record<string, ServiceState | undefined>) => (name: string) => m[name];

describe("one dependency, by condition", () => {
  const cases: [Dependency["condition"], ServiceState | undefined, "go" | "wait" | "blocked"][] = [
    ["started", undefined, "wait"],
    ["started", state("stopped"), "wait"],
    ["started", state("starting"), "go"],
    ["started", state("running"), "go"],
    ["started", state("completed"), "go"],
    ["started", state("restarting"), "wait"],
    ["started", state("crashed"), "blocked"],
    ["healthy", state("starting"), "wait"],
    ["healthy", state("running", { ready: false }), "wait"],
    ["healthy", state("running", { ready: true }), "go"],
    ["healthy", state("restarting"), "wait"],
    ["healthy", state("crashed"), "blocked"],
    ["completed", state("running", { ready: true }), "wait"],
    ["completed", state("restarting"), "wait"],
    ["completed", state("completed"), "go"],
    ["completed", state("crashed"), "blocked"],
  ];
  for (const [condition, dep, expected] of cases) {
    test(`${condition} with the dependency ${dep?.status ?? "unknown"}${dep?.ready ? " (ready)" : ""} → ${expected}`, () => {
      const gate = evaluateDependencies([{ service: "db", condition }], states({ db: dep }));
      expect(gate.kind).toBe(expected);
    });
  }
});

describe("several dependencies", () => {
  test("wait names every pending dependency, in order", () => {
    const gate = evaluateDependencies(
      [
        { service: "db", condition: "healthy" },
        { service: "cache", condition: "started" },
        { service: "queue", condition: "started" },
      ],
      states({ db: state("starting"), cache: state("running"), queue: undefined }),
    );
    expect(gate).toEqual({ kind: "wait", on: ["db", "queue"] });
  });

  test("one failed dependency blocks even when others are pending, and the detail names it and why", () => {
    const gate = evaluateDependencies(
      [
        { service: "db", condition: "healthy" },
        { service: "migrate", condition: "completed" },
      ],
      states({ db: state("starting"), migrate: state("crashed", { reason: "exited with code 3" }) }),
    );
    expect(gate.kind).toBe("blocked");
    if (gate.kind !== "blocked") return;
    expect(gate.dependency).toBe("migrate");
    expect(gate.detail).toContain('dependency "migrate" crashed');
    expect(gate.detail).toContain("exited with code 3");
    expect(gate.detail).toContain("completed");
  });

  test("a start error is the reason a crashed dependency gives", () => {
    const gate = evaluateDependencies(
      [{ service: "db", condition: "started" }],
      states({
        db: state("crashed", { startError: { error_type: "missing_dependency", error_description: 'cannot find "postgres" on PATH', at: "" } }),
      }),
    );
    expect(gate.kind === "blocked" && gate.detail).toContain('cannot find "postgres"');
  });

  test("no dependencies: go", () => {
    expect(evaluateDependencies([], () => undefined)).toEqual({ kind: "go" });
  });
});

describe("a dependency with replicas", () => {
  const ready = state("running", { ready: true });
  const replicas = (...list: (ServiceState | undefined)[]) => () => list;

  test("healthy holds once every replica is ready, not before", () => {
    expect(evaluateDependencies([{ service: "web", condition: "healthy" }], replicas(ready, state("running"), ready))).toEqual({ kind: "wait", on: ["web"] });
    expect(evaluateDependencies([{ service: "web", condition: "healthy" }], replicas(ready, undefined))).toEqual({ kind: "wait", on: ["web"] });
    expect(evaluateDependencies([{ service: "web", condition: "healthy" }], replicas(ready, ready, ready))).toEqual({ kind: "go" });
  });

  test("one crashed replica blocks, naming its reason", () => {
    const gate = evaluateDependencies([{ service: "web", condition: "started" }], replicas(ready, state("crashed", { reason: "exited with code 3" })));
    expect(gate).toMatchObject({ kind: "blocked", dependency: "web" });
    expect(gate.kind === "blocked" && gate.detail).toContain("exited with code 3");
  });

  test("no replica known yet waits", () => {
    expect(evaluateDependencies([{ service: "web", condition: "started" }], replicas()).kind).toBe("wait");
  });
});
