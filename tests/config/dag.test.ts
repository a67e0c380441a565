import { describe, expect, test } from "bun:test";
import { dependentsOf, findCycle, startOrder, stopOrder } from "../../src/config/dag.ts";
import type { ServiceConfig } from "../../src/config/types.ts";
import { CanopyError } from "../../src/errors.ts";
import { thrown } from "./tmp.ts";
import { serviceConfig } from "../helpers/service-config.ts";

/** Services named by the keys of `deps`, each depending (started) on the names listed. */
function services(deps: Record<string, string[]>): ServiceConfig[] {
  return Object.entries(deps).map(([name, on]) =>
    serviceConfig(name, { dependsOn: on.map((service) => ({ service, condition: "started" as const })) }),
  );
}

describe("findCycle", () => {
  test("acyclic graphs, including edges to nodes outside the graph", () => {
    expect(findCycle(new Map())).toBeUndefined();
    expect(findCycle(new Map([["a", ["b", "c"]], ["b", ["c"]], ["c", ["elsewhere"]]]))).toBeUndefined();
  });

  test("a self-loop", () => {
    expect(findCycle(new Map([["a", ["a"]]]))).toEqual(["a", "a"]);
  });

  test("a longer cycle, closed, starting where the walk entered it", () => {
    expect(findCycle(new Map([["x", ["a"]], ["a", ["b"]], ["b", ["c"]], ["c", ["a"]]]))).toEqual(["a", "b", "c", "a"]);
  });

  test("a diamond is not a cycle", () => {
    expect(findCycle(new Map([["top", ["l", "r"]], ["l", ["base"]], ["r", ["base"]], ["base", []]]))).toBeUndefined();
  });
});

describe("startOrder / stopOrder", () => {
  const stack = services({ api: ["db", "migrate"], db: [], migrate: ["db"], web: ["api"], cron: [] });

  test("levels depend only on earlier levels; file order within a level", () => {
    expect(startOrder(stack)).toEqual([["db", "cron"], ["migrate"], ["api"], ["web"]]);
  });

  test("stop order is the reverse", () => {
    expect(stopOrder(stack)).toEqual([["web"], ["api"], ["migrate"], ["db", "cron"]]);
  });

  test("no services, no levels; dependencies outside the list are ignored", () => {
    expect(startOrder([])).toEqual([]);
    expect(startOrder(services({ api: ["db"] }))).toEqual([["api"]]);
  });

  test("a cycle throws invalid_config naming it", () => {
    const err = thrown(() => startOrder(services({ a: ["b"], b: ["a"] }))) as CanopyError;
    expect(err).toBeInstanceOf(CanopyError);
    expect(err.error_type).toBe("invalid_config");
    expect(err.message).toBe("dependency cycle: a → b → a");
  });
});

describe("dependentsOf", () => {
  const stack = services({ db: [], cache: [], api: ["db"], worker: ["api", "cache"], web: ["api"], lone: [] });

  test("transitive, in file order, without the service itself", () => {
    expect(dependentsOf("db", stack)).toEqual(["api", "worker", "web"]);
    expect(dependentsOf("cache", stack)).toEqual(["worker"]);
    expect(dependentsOf("web", stack)).toEqual([]);
    expect(dependentsOf("nope", stack)).toEqual([]);
  });

  test("terminates on a cycle", () => {
    expect(dependentsOf("a", services({ a: ["b"], b: ["a"], c: ["b"] }))).toEqual(["b", "c"]);
  });
});
