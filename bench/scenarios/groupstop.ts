// 5. Group stop: a service `sh -c 'listener PORT & wait'`; time for `stop`, and whether the grandchild is gone and the port free.
import { canConnect, waitPort } from "../lib/net.ts";
import { alive } from "../lib/proc.ts";
import type { Tool } from "../tools/tool.ts";
import { type BenchContext, interleave, listenersOn, reps, type Scenario, withCleanup } from "./common.ts";

type Check = { clean: number; grandchildLeft: number; portServed: number; n: number };

export const scenario: Scenario = {
  id: "group-stop",
  num: 5,
  title: "group stop",
  async run(ctx: BenchContext) {
    const n = reps(ctx, 5, 2);
    const portOf = new Map<Tool, number>();
    const checks = new Map<Tool, Check>(ctx.tools.map((t) => [t, { clean: 0, grandchildLeft: 0, portServed: 0, n: 0 }]));
    await withCleanup(ctx, async () => {
      const ready: Tool[] = [];
      for (const tool of ctx.tools) {
        try {
          tool.reset();
          const [port] = ctx.ports(tool, 1) as [number];
          portOf.set(tool, port);
          tool.writeConfig([{ name: "grp", argv: ["sh", "-c", `${ctx.fx.listener} ${port} & wait`], port }]);
          await tool.up();
          await waitPort(port, performance.now(), 30_000);
          ready.push(tool);
        } catch (e) {
          ctx.add({ scenario: "5 group stop (sh -c 'listener & wait')", tool: tool.name, unit: "ms", samples: [], error: String(e) });
          await tool.cleanup();
        }
      }
      await Bun.sleep(1200);
      const out = await interleave(ctx, n, ready, async (tool, rep) => {
        const port = portOf.get(tool) as number;
        if (rep > 0) {
          await tool.start("grp");
          await waitPort(port, performance.now(), 30_000);
          await Bun.sleep(1200);
        }
        const grand = listenersOn(ctx, port);
        if (grand.length !== 1) throw new Error(`expected one listener on ${port}, found ${grand.length}`);
        const gpid = (grand[0] as { pid: number }).pid;
        const r = await tool.stop("grp");
        const left = alive(gpid);
        const served = await canConnect(port, 500);
        const c = checks.get(tool) as Check;
        c.n++;
        if (left) c.grandchildLeft++;
        if (served) c.portServed++;
        if (!left && !served) c.clean++;
        for (const p of listenersOn(ctx, port)) process.kill(p.pid, "SIGKILL"); // so the next start can bind
        return r.ms;
      });
      for (const [tool, samples] of out.samples) {
        const c = checks.get(tool) as Check;
        const note = `nothing left ${c.clean}/${c.n}; grandchild survived ${c.grandchildLeft}/${c.n}; port still served ${c.portServed}/${c.n}`;
        const med = [...samples].sort((a, b) => a - b)[samples.length >> 1];
        ctx.add({
          scenario: "5 group stop (sh -c 'listener & wait')",
          tool: tool.name,
          unit: "ms",
          samples,
          note,
          error: out.errors.get(tool),
          target: { op: "<=", limit: 100, text: "≤ 100 ms, nothing left" },
          ...(tool.name === "canopy" ? { verdict: med !== undefined && med <= 100 && c.clean === c.n && c.n > 0 ? ("PASS" as const) : ("FAIL" as const) } : {}),
        });
      }
    });
  },
};
