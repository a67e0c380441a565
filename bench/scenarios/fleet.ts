// 1. Fleet start: N listeners, from the start command with no daemon running until every port accepts.
import { waitPorts } from "../lib/net.ts";
import { median, num } from "../lib/stats.ts";
import type { Tool } from "../tools/tool.ts";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type BenchContext, interleave, reps, rowsFor, type Scenario, startFloor, withCleanup } from "./common.ts";

async function fleet(ctx: BenchContext, n: number, count: number): Promise<void> {
  const cmdMs = new Map<Tool, number[]>(ctx.tools.map((t) => [t, []]));
  const out = await withCleanup(ctx, () =>
    interleave(ctx, count, ctx.tools, async (tool) => {
      tool.reset();
      const ports = ctx.ports(tool, n);
      tool.writeConfig(ports.map((port, i) => ({ name: `l${i}`, argv: [ctx.fx.listener, String(port)], port })));
      const t0 = performance.now();
      const up = tool.up();
      up.catch(() => {});
      try {
        const ready = await waitPorts(ports, t0, 60_000, 2);
        cmdMs.get(tool)?.push((await up).ms);
        return ready;
      } finally {
        await up.catch(() => {});
        await tool.down().catch(() => {});
        await tool.cleanup();
      }
    }),
  );
  const notes = new Map<Tool, string>();
  for (const [t, xs] of cmdMs) if (xs.length) notes.set(t, `start command returned after ${num(median(xs))} ms`);
  rowsFor(
    ctx,
    out,
    { scenario: `1 fleet start, ${n} listeners`, unit: "ms", ...(n === 20 ? { target: { op: "<=" as const, limit: 300, text: "≤ 300 ms" } } : {}) },
    notes,
  );
}

/** The floor: a minimal compiled Bun program spawning the same listeners, from its exec until every port accepts. */
async function fleetFloor(ctx: BenchContext, n: number, count: number): Promise<void> {
  const bin = await ctx.floorBin("spawn");
  const xs: number[] = [];
  for (let i = 0; i < count; i++) {
    const ports = ctx.ports(ctx.tools[0] as Tool, n);
    const spec = join(ctx.root, "fleet-floor.json");
    writeFileSync(spec, JSON.stringify(ports.map((p) => [ctx.fx.listener, String(p)])));
    const t0 = performance.now();
    const f = startFloor(ctx, [bin, spec]);
    try {
      xs.push(await waitPorts(ports, t0, 30_000, 2));
    } finally {
      await f.stop();
    }
  }
  ctx.add({ scenario: `1 fleet start, ${n} listeners`, tool: "floor: bare Bun.spawn ×N", unit: "ms", samples: xs, note: "compiled Bun program: Bun.spawn each listener, pipes drained" });
}

export const scenario: Scenario = {
  id: "fleet",
  num: 1,
  title: "fleet start",
  async run(ctx) {
    await fleet(ctx, 20, reps(ctx, 5, 2));
    await fleetFloor(ctx, 20, reps(ctx, 5, 2));
    await fleet(ctx, 100, reps(ctx, 3, 1));
    await fleetFloor(ctx, 100, reps(ctx, 3, 1));
  },
};
