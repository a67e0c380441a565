// 9. Scale: 500 `sleep 1000` services started, listed and stopped; wall times and daemon RSS.
import { rssKiB } from "../lib/proc.ts";
import type { Tool } from "../tools/tool.ts";
import { type BenchContext, interleave, reps, type Scenario, toolProcs, until, withCleanup } from "./common.ts";

export const scenario: Scenario = {
  id: "scale",
  num: 9,
  title: "scale",
  async run(ctx: BenchContext) {
    const n = ctx.quick ? 100 : 500;
    const r = reps(ctx, 2, 1);
    const m = { start: new Map<Tool, number[]>(), list: new Map<Tool, number[]>(), stop: new Map<Tool, number[]>(), rss: new Map<Tool, number[]>() };
    const push = (k: keyof typeof m, t: Tool, v: number) => m[k].set(t, [...(m[k].get(t) ?? []), v]);
    const out = await withCleanup(ctx, () =>
      interleave(ctx, r, ctx.tools, async (tool) => {
        tool.reset();
        tool.writeConfig(Array.from({ length: n }, (_, i) => ({ name: `s${i}`, argv: [ctx.sleep, "1000"] })));
        try {
          const t0 = performance.now();
          await tool.up();
          push("start", tool, await until(() => toolProcs(tool, ctx.sleep) >= n, t0, 300_000, `${n} sleep processes`, 10));
          await Bun.sleep(1000);
          const st = await tool.status();
          if (st.code !== 0 && st.code !== 3) throw new Error(`${tool.statusLabel}: exit ${st.code}`);
          push("list", tool, st.ms);
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
    const rows: [keyof typeof m, string, string, string][] = [
      ["start", `9 scale ${n}: start`, "ms", "up command until every child process exists"],
      ["list", `9 scale ${n}: status`, "ms", ""],
      ["stop", `9 scale ${n}: stop all`, "ms", "down/kill/shutdown until daemon and every child gone"],
      ["rss", `9 scale ${n}: daemon RSS`, "MiB", ""],
    ];
    for (const [k, scenario, unit, note] of rows) {
      for (const tool of ctx.tools) {
        ctx.add({ scenario, tool: tool.name, unit, samples: m[k].get(tool) ?? [], note: k === "list" ? tool.statusLabel : note, error: out.errors.get(tool) });
      }
    }
  },
};
