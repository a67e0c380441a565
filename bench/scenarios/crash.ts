// 4. Crash recovery: kill -9 a listener; time until its port accepts again.
import { waitPort, waitPorts } from "../lib/net.ts";
import { alive } from "../lib/proc.ts";
import type { Tool } from "../tools/tool.ts";
import { type BenchContext, interleave, listenersOn, reps, rowsFor, type Scenario, withCleanup } from "./common.ts";

async function variant(ctx: BenchContext, delay0: boolean): Promise<void> {
  const n = reps(ctx, 7, 2);
  const label = delay0 ? "4 crash → serving, restart delay 0" : "4 crash → serving, default delay";
  const target = delay0 ? { op: "<=" as const, limit: 40, text: "≤ 40 ms" } : { op: "<=" as const, limit: 150, text: "≤ 150 ms" };
  const tools = delay0 ? ctx.tools.filter((t) => t.hasRestartDelay) : ctx.tools;
  const portsOf = new Map<Tool, number[]>();
  await withCleanup(ctx, async () => {
    const ready: Tool[] = [];
    for (const tool of tools) {
      try {
        tool.reset();
        // One service per rep, each killed once: no tool's crash budget or backoff comes into play.
        const ports = ctx.ports(tool, n);
        portsOf.set(tool, ports);
        tool.writeConfig(ports.map((port, i) => ({ name: `l${i}`, argv: [ctx.fx.listener, String(port)], port, ...(delay0 ? { restartDelayMs: 0 } : {}) })));
        await tool.up();
        await waitPorts(ports, performance.now(), 60_000);
        ready.push(tool);
      } catch (e) {
        ctx.add({ scenario: label, tool: tool.name, unit: "ms", samples: [], error: String(e) });
        await tool.cleanup();
      }
    }
    await Bun.sleep(1200); // past every tool's "started successfully" window (supervisord startsecs=1, pm2 min_uptime=1s)
    const out = await interleave(ctx, n, ready, async (tool, rep) => {
      const port = portsOf.get(tool)?.[rep] as number;
      const procs = listenersOn(ctx, port);
      if (procs.length !== 1) throw new Error(`expected one listener on ${port}, found ${procs.length}`);
      const pid = (procs[0] as { pid: number }).pid;
      const t0 = performance.now();
      process.kill(pid, "SIGKILL");
      while (alive(pid) && performance.now() - t0 < 1000) {} // the kernel closes its socket as it exits
      return waitPort(port, t0, 15_000, 1);
    });
    const notes = new Map<Tool, string>();
    for (const t of ready) if (t.name === "canopy") notes.set(t, delay0 ? "restart_delay: 0ms" : "restart_delay default (100ms)");
    for (const t of ready) if (t.name === "pm2") notes.set(t, delay0 ? "restart_delay: 0" : "no restart_delay set");
    for (const t of ready) if (t.name === "supervisord") notes.set(t, "autorestart (unexpected exit), no delay setting");
    rowsFor(ctx, out, { scenario: label, unit: "ms", target }, notes);
  });
  if (delay0) {
    for (const t of ctx.tools.filter((t) => !t.hasRestartDelay)) {
      ctx.add({ scenario: label, tool: t.name, unit: "ms", samples: [], text: "n/a", note: "supervisord has no restart-delay setting; see the default-delay line" });
    }
  }
}

export const scenario: Scenario = {
  id: "crash",
  num: 4,
  title: "crash recovery",
  async run(ctx) {
    await variant(ctx, false);
    await variant(ctx, true);
  },
};
