// 9. Scale: 10, 500 and 1,000 `sleep 1000` services (--quick: 10 and 1,000) started, listed and
// stopped; wall times and daemon RSS, and how Canopy's status grows from 10 services to the most.
import { rssKiB } from "../lib/proc.ts";
import { median } from "../lib/stats.ts";
import { compareRow } from "../lib/targets.ts";
import type { Tool } from "../tools/tool.ts";
import { type BenchContext, interleave, reps, type Scenario, toolProcs, until, withCleanup } from "./common.ts";

type Measure = "start" | "list" | "stop" | "rss";

/** Status calls per rep: each is short next to a start of the fleet, and one call is a noisy sample. */
const STATUS_CALLS = 5;

export const scenario: Scenario = {
  id: "scale",
  num: 9,
  title: "scale",
  async run(ctx: BenchContext) {
    const sizes = ctx.quick ? [10, 1000] : [10, 500, 1000];
    const r = reps(ctx, 2, 1);
    const m = new Map<number, Record<Measure, Map<Tool, number[]>>>();
    const errors = new Map<number, Map<Tool, string>>();
    for (const n of sizes) {
      const at: Record<Measure, Map<Tool, number[]>> = { start: new Map(), list: new Map(), stop: new Map(), rss: new Map() };
      m.set(n, at);
      const push = (k: Measure, t: Tool, v: number) => at[k].set(t, [...(at[k].get(t) ?? []), v]);
      const out = await withCleanup(ctx, () =>
        interleave(ctx, r, ctx.tools, async (tool) => {
          tool.reset();
          tool.writeConfig(Array.from({ length: n }, (_, i) => ({ name: `s${i}`, argv: [ctx.sleep, "1000"] })));
          try {
            const t0 = performance.now();
            await tool.up();
            push("start", tool, await until(() => toolProcs(tool, ctx.sleep) >= n, t0, 300_000, `${n} sleep processes`, 10));
            await Bun.sleep(ctx.quick ? 500 : 1000);
            for (let i = 0; i < STATUS_CALLS; i++) {
              const st = await tool.status();
              if (st.code !== 0 && st.code !== 3) throw new Error(`${tool.statusLabel}: exit ${st.code}`);
              push("list", tool, st.ms);
            }
            const pid = await tool.daemonPid();
            const kib = pid === undefined ? undefined : rssKiB(pid);
            if (kib !== undefined) push("rss", tool, kib / 1024);
            const t1 = performance.now();
            await tool.down(300_000);
            push("stop", tool, await until(() => toolProcs(tool, ctx.sleep) === 0, t1, 300_000, "every sleep to exit", 10));
            return undefined;
          } finally {
            await tool.down().catch(() => {});
            await tool.cleanup();
          }
        }),
      );
      errors.set(n, out.errors);
      const rows: [Measure, string, string, string][] = [
        ["start", `9 scale ${n}: start`, "ms", "up command until every child process exists"],
        ["list", `9 scale ${n}: status`, "ms", ""],
        ["stop", `9 scale ${n}: stop all`, "ms", "down/kill/shutdown until daemon and every child gone"],
        ["rss", `9 scale ${n}: daemon RSS`, "MiB", ""],
      ];
      for (const [k, scenario, unit, note] of rows) {
        for (const tool of ctx.tools) {
          ctx.add({ scenario, tool: tool.name, unit, samples: at[k].get(tool) ?? [], note: k === "list" ? `${tool.statusLabel}, ${STATUS_CALLS} calls a rep` : note, error: out.errors.get(tool) });
        }
      }
    }

    const most = sizes[sizes.length - 1] as number;
    const byName = (n: number, k: Measure, name: string) => [...(m.get(n)?.[k] ?? [])].find(([t]) => t.name === name)?.[1] ?? [];
    // Issue 21, target 4: Canopy's status at the most services within 2× its status at 10. The peers' ratios for comparison.
    ctx.add(compareRow({ scenario: `9 status ${most} vs status 10`, canopy: byName(most, "list", "canopy"), anchor: byName(10, "list", "canopy"), anchorName: "status at 10", kind: "ratio", target: { op: "<=", limit: 2 } }));
    for (const tool of ctx.tools.filter((t) => t.name !== "canopy")) {
      const a = byName(10, "list", tool.name);
      const b = byName(most, "list", tool.name);
      if (a.length && b.length) ctx.add({ scenario: `9 status ${most} vs status 10`, tool: tool.name, unit: "×", samples: [median(b) / median(a)] });
    }
    // Issue 21, target 2 at 500 services: RSS at most supervisord's + 5 MiB.
    if (sizes.includes(500)) {
      ctx.add(compareRow({ scenario: "9 daemon RSS at 500 vs supervisord", canopy: byName(500, "rss", "canopy"), anchor: byName(500, "rss", "supervisord"), anchorName: "supervisord", kind: "difference", unit: "MiB", target: { op: "<=", limit: 5 }, missing: "run with --vs supervisord" }));
    }
  },
};
