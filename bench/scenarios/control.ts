// 3. Control latency: wall time of the status command with 10 services running.
import { type BenchContext, interleave, reps, rowsFor, type Scenario, toolProcs, until, withCleanup } from "./common.ts";
import type { Canopy } from "../tools/canopy.ts";
import { join } from "node:path";
import { exec } from "../lib/exec.ts";

export const scenario: Scenario = {
  id: "control",
  num: 3,
  title: "control latency",
  async run(ctx: BenchContext) {
    await withCleanup(ctx, async () => {
      const ready = [];
      for (const tool of ctx.tools) {
        try {
          tool.reset();
          tool.writeConfig(Array.from({ length: 10 }, (_, i) => ({ name: `s${i}`, argv: [ctx.sleep, "1000"] })));
          await tool.up();
          await until(() => toolProcs(tool, ctx.sleep) >= 10, performance.now(), 30_000, "10 sleep processes", 20);
          ready.push(tool);
        } catch (e) {
          ctx.add({ scenario: "3 status round trip, 10 services", tool: tool.name, unit: "ms", samples: [], error: String(e) });
        }
      }
      await Bun.sleep(500);
      const n = reps(ctx, 20, 5);
      const out = await interleave(ctx, n, ready, async (tool) => {
        const r = await tool.status();
        if (r.timedOut || (r.code !== 0 && r.code !== 3)) throw new Error(`${tool.statusLabel}: exit ${r.code} ${r.stderr.slice(-300)}`);
        return r.ms;
      });
      const notes = new Map(ready.map((t) => [t, t.statusLabel]));
      rowsFor(ctx, out, { scenario: "3 status round trip, 10 services", unit: "ms", target: { op: "<=", limit: 25, text: "≤ 25 ms" } }, notes);

      // Floor: a minimal compiled Bun program doing the same request over the same socket.
      const canopy = ready.find((t) => t.name === "canopy") as Canopy | undefined;
      if (canopy) {
        const bin = await ctx.floorBin("status");
        const sock = join(canopy.dir, "state", "canopy.sock");
        const xs: number[] = [];
        for (let i = 0; i < n; i++) {
          const r = await exec([bin, sock], { env: canopy.env, timeoutMs: 10_000 });
          if (r.code === 0) xs.push(r.ms);
        }
        ctx.add({ scenario: "3 status round trip, 10 services", tool: "floor: compiled bun fetch", unit: "ms", samples: xs, note: "minimal bun --compile program: GET /v1/services on Canopy's socket" });
      }
    });
  },
};
