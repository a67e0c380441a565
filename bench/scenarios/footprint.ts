// 2. Daemon footprint: VmRSS of the daemon with 0, 10 and 100 `sleep 1000` services.
import { rssKiB } from "../lib/proc.ts";
import { median } from "../lib/stats.ts";
import type { Tool } from "../tools/tool.ts";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type BenchContext, interleave, reps, type Scenario, startFloor, toolProcs, until, withCleanup } from "./common.ts";

const MiB = (kib: number) => kib / 1024;

export const scenario: Scenario = {
  id: "footprint",
  num: 2,
  title: "daemon footprint",
  async run(ctx: BenchContext) {
    const settleMs = ctx.quick ? 500 : 1500;
    const byCount = new Map<number, Map<Tool, number[]>>();
    for (const n of [0, 10, 100]) {
      const out = await withCleanup(ctx, () =>
        interleave(ctx, reps(ctx, 3, 1), ctx.tools, async (tool) => {
          tool.reset();
          tool.writeConfig(Array.from({ length: n }, (_, i) => ({ name: `s${i}`, argv: [ctx.sleep, "1000"] })));
          try {
            if (n === 0) await tool.bootEmpty();
            else await tool.up();
            await until(() => toolProcs(tool, ctx.sleep) >= n, performance.now(), 60_000, `${n} sleep processes`, 20);
            await Bun.sleep(settleMs);
            const pid = await tool.daemonPid();
            const kib = pid === undefined ? undefined : rssKiB(pid);
            if (kib === undefined) throw new Error("no daemon pid / RSS");
            return MiB(kib);
          } finally {
            await tool.down().catch(() => {});
            await tool.cleanup();
          }
        }),
      );
      byCount.set(n, out.samples);
      for (const [tool, samples] of out.samples) {
        ctx.add({
          scenario: `2 daemon RSS, ${n} services`,
          tool: tool.name,
          unit: "MiB",
          samples,
          error: out.errors.get(tool),
          ...(n === 100 ? { target: { op: "<=" as const, limit: 36, text: "≤ 36 MiB" } } : {}),
        });
      }
    }
    // Floor: a minimal compiled Bun program that serves a unix socket and Bun.spawns the same sleeps with piped output.
    const floor = new Map<number, number[]>();
    const bin = await ctx.floorBin("spawn");
    for (const n of [0, 10, 100]) {
      const xs: number[] = [];
      for (let i = 0; i < reps(ctx, 3, 1); i++) {
        const spec = join(ctx.root, "footprint-floor.json");
        writeFileSync(spec, JSON.stringify(Array.from({ length: n }, () => [ctx.sleep, "1000"])));
        rmSync(join(ctx.root, "floor.sock"), { force: true });
        const f = startFloor(ctx, [bin, spec, join(ctx.root, "floor.sock")]);
        try {
          await Bun.sleep(300 + settleMs);
          const kib = rssKiB(f.pid);
          if (kib !== undefined) xs.push(MiB(kib));
        } finally {
          await f.stop();
        }
      }
      floor.set(n, xs);
      ctx.add({ scenario: `2 daemon RSS, ${n} services`, tool: "floor: bare Bun.spawn + Bun.serve", unit: "MiB", samples: xs });
    }
    const fa = floor.get(0) ?? [];
    const fb = floor.get(100) ?? [];
    if (fa.length && fb.length) ctx.add({ scenario: "2 daemon RSS growth 0→100", tool: "floor: bare Bun.spawn + Bun.serve", unit: "MiB", samples: [median(fb) - median(fa)] });
    for (const tool of ctx.tools) {
      const a = byCount.get(0)?.get(tool) ?? [];
      const b = byCount.get(100)?.get(tool) ?? [];
      if (!a.length || !b.length) continue;
      ctx.add({
        scenario: "2 daemon RSS growth 0→100",
        tool: tool.name,
        unit: "MiB",
        samples: [median(b) - median(a)],
        target: { op: "<=", limit: 3, text: "≤ 3 MiB" },
        note: "median(100) − median(0)",
      });
    }
  },
};
