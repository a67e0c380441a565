import { expect, test } from "bun:test";
import { layoutGraph, NODE_HEIGHT, NODE_WIDTH } from "../../src/dashboard/page/graph-layout.ts";

const svc = (name: string, ...deps: [string, string][]) => ({ name, depends_on: deps.map(([service, condition]) => ({ service, condition })) });

test("each service sits one row below the lowest of its dependencies; every edge points down and carries its condition", () => {
  const layout = layoutGraph({
    services: [svc("api", ["db", "healthy"], ["migrate", "completed"]), svc("db"), svc("migrate", ["db", "healthy"]), svc("worker")],
  });
  const level = Object.fromEntries(layout.nodes.map((n) => [n.name, n.level]));
  expect(level).toEqual({ db: 0, worker: 0, migrate: 1, api: 2 });
  expect(layout.edges.map((e) => `${e.from}->${e.to}:${e.condition}`).sort()).toEqual([
    "db->api:healthy",
    "db->migrate:healthy",
    "migrate->api:completed",
  ]);
  for (const e of layout.edges) {
    expect(e.y2).toBeGreaterThan(e.y1);
    expect(e.labelY).toBe((e.y1 + e.y2) / 2);
  }
});

test("no two boxes overlap, and all fit in the drawing", () => {
  const services = [svc("a"), svc("b"), svc("c"), svc("d", ["a", "started"]), svc("e", ["b", "started"]), svc("f", ["d", "healthy"], ["e", "healthy"])];
  const layout = layoutGraph({ services });
  for (const n of layout.nodes) {
    expect(n.x).toBeGreaterThanOrEqual(0);
    expect(n.y).toBeGreaterThanOrEqual(0);
    expect(n.x + NODE_WIDTH).toBeLessThanOrEqual(layout.width);
    expect(n.y + NODE_HEIGHT).toBeLessThanOrEqual(layout.height);
    for (const m of layout.nodes) {
      if (m === n) continue;
      const apart = n.x + NODE_WIDTH <= m.x || m.x + NODE_WIDTH <= n.x || n.y + NODE_HEIGHT <= m.y || m.y + NODE_HEIGHT <= n.y;
      expect({ n: n.name, m: m.name, apart }).toEqual({ n: n.name, m: m.name, apart: true });
    }
  }
});

test("a row follows its dependencies' columns, so edges do not cross needlessly", () => {
  const layout = layoutGraph({ services: [svc("x2", ["b", "started"]), svc("x1", ["a", "started"]), svc("a"), svc("b")] });
  const x = Object.fromEntries(layout.nodes.map((n) => [n.name, n.x]));
  expect(x.a as number).toBeLessThan(x.b as number);
  expect(x.x1 as number).toBeLessThan(x.x2 as number);
});

test("unknown dependencies and cycles (refused by the config, never trusted by the page) do not break it", () => {
  const layout = layoutGraph({ services: [svc("a", ["b", "started"]), svc("b", ["a", "started"]), svc("c", ["ghost", "started"])] });
  expect(layout.nodes.map((n) => n.name).sort()).toEqual(["a", "b", "c"]);
  expect(layout.edges.every((e) => e.from !== "ghost")).toBe(true);
});

test("an empty config draws an empty, still valid, picture", () => {
  const layout = layoutGraph({ services: [] });
  expect(layout.nodes).toEqual([]);
  expect(layout.width).toBeGreaterThan(0);
});
