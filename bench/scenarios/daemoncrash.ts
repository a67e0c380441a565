// 7. Daemon hard crash: 5 listeners, kill -9 the daemon, `up` again; count duplicates, orphans and EADDRINUSE crash loops.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { canConnect, waitPorts } from "../lib/net.ts";
import { alive, processes } from "../lib/proc.ts";
import type { Tool } from "../tools/tool.ts";
import { type BenchContext, interleave, listenersOn, reps, type Scenario, withCleanup } from "./common.ts";

type Tally = { dup: number; orphans: number; eaddrinuse: number; restarts: number; served: number; services: number; upExit: (number | null)[]; reps: number };

export const scenario: Scenario = {
  id: "daemon-crash",
  num: 7,
  title: "daemon hard crash",
  async run(ctx: BenchContext) {
    const observeMs = ctx.quick ? 2000 : 3000;
    const tallies = new Map<Tool, Tally>(ctx.tools.map((t) => [t, { dup: 0, orphans: 0, eaddrinuse: 0, restarts: 0, served: 0, services: 0, upExit: [], reps: 0 }]));
    const out = await withCleanup(ctx, () =>
      interleave(ctx, reps(ctx, 3, 1), ctx.tools, async (tool) => {
        tool.reset();
        const events = join(tool.dir, "events.log");
        tool.env.BENCH_EVENTS = events;
        const ports = ctx.ports(tool, 5);
        tool.writeConfig(ports.map((port, i) => ({ name: `l${i}`, argv: [ctx.fx.listener, String(port)], port })));
        try {
          await tool.up();
          await waitPorts(ports, performance.now(), 30_000);
          await Bun.sleep(1200);
          const before = new Set(ports.flatMap((p) => listenersOn(ctx, p).map((x) => x.pid)));
          const daemon = await tool.daemonPid();
          if (daemon === undefined) throw new Error("no daemon pid");
          process.kill(daemon, "SIGKILL");
          const t0 = performance.now();
          while (alive(daemon) && performance.now() - t0 < 5000) await Bun.sleep(1);
          const again = await tool.cmd(tool.upArgv(), 120_000);
          await waitPorts(ports, performance.now(), 15_000).catch(() => {});
          await Bun.sleep(observeMs);
          const all = processes();
          const t = tallies.get(tool) as Tally;
          t.reps++;
          t.upExit.push(again.code);
          for (const p of ports) {
            const ls = listenersOn(ctx, p, all);
            if (ls.length > 1) t.dup++;
            t.orphans += ls.filter((l) => before.has(l.pid)).length;
            t.services++;
            if (await canConnect(p, 500)) t.served++;
          }
          t.eaddrinuse += existsSync(events) ? readFileSync(events, "utf8").split("\n").filter((l) => l.startsWith("eaddrinuse")).length : 0;
          t.restarts += (await tool.list().catch(() => [])).reduce((a, s) => a + s.restarts, 0);
          return undefined;
        } finally {
          await tool.down().catch(() => {});
          await tool.cleanup();
          delete tool.env.BENCH_EVENTS;
        }
      }),
    );
    for (const [tool, t] of tallies) {
      if (t.reps === 0) {
        ctx.add({ scenario: "7 kill -9 daemon, up again (5 listeners)", tool: tool.name, unit: "", samples: [], error: out.errors.get(tool) ?? "no rep finished" });
        continue;
      }
      const ok = t.dup === 0 && t.orphans === 0 && t.eaddrinuse === 0 && t.served === t.services;
      ctx.add({
        scenario: "7 kill -9 daemon, up again (5 listeners)",
        tool: tool.name,
        unit: "",
        samples: [],
        text: `dup ${t.dup}, orphans ${t.orphans}, EADDRINUSE ${t.eaddrinuse}, served ${t.served}/${t.services} (${t.reps} reps)`,
        note: `restarts counted by the tool: ${t.restarts}; second up exit ${t.upExit.join(",")}; orphans = pre-crash listeners still alive`,
        error: out.errors.get(tool),
        target: { op: "<=", limit: 0, text: "each once, all served" },
        ...(tool.name === "canopy" ? { verdict: ok ? ("PASS" as const) : ("FAIL" as const) } : {}),
      });
    }
  },
};
