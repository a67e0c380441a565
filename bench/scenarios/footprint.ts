// 2. Daemon footprint: VmRSS of the daemon with 0, 10 and 100 `sleep 1000` services.
import { DAEMON_JSC_SETTINGS } from "../../src/daemon/runtime-env.ts";
import { rssKiB } from "../lib/proc.ts";
import { median } from "../lib/stats.ts";
import { compareRow } from "../lib/targets.ts";
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
    const counts = ctx.quick ? [0, 100] : [0, 10, 100];
    const byCount = new Map<number, Map<Tool, number[]>>();
    for (const n of counts) {
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
    // Floors, two compiled Bun programs running the same sleeps: one that only Bun.spawns them
    // (output piped and drained) and serves a unix socket; one that also does the daemon's I/O
    // (YAML config, state dir, lock, fsynced state.json, a log file per service, a stat a second).
    const floors = [
      {
        name: "floor: bare Bun.spawn + Bun.serve",
        bin: () => ctx.floorBin("spawn"),
        argv: (bin: string, n: number) => {
          const spec = join(ctx.root, "footprint-floor.json");
          writeFileSync(spec, JSON.stringify(Array.from({ length: n }, () => [ctx.sleep, "1000"])));
          rmSync(join(ctx.root, "floor.sock"), { force: true });
          return [bin, spec, join(ctx.root, "floor.sock")];
        },
      },
      {
        name: "floor: bare Bun doing the daemon's I/O",
        bin: () => ctx.floorBin("daemon-io"),
        argv: (bin: string, n: number) => {
          const config = join(ctx.root, "footprint-floor.yaml");
          const services = Array.from({ length: n }, (_, i) => `  s${i}:\n    cmd: ${JSON.stringify([ctx.sleep, "1000"])}\n`);
          writeFileSync(config, n === 0 ? "services: {}\n" : `services:\n${services.join("")}`);
          const state = join(ctx.root, "floor-state");
          rmSync(state, { recursive: true, force: true });
          return [bin, config, state];
        },
      },
    ];
    const ioFloor = new Map<number, number[]>();
    // --quick measures the floor the target is read against, not the bare spawn-and-serve one.
    for (const floor of ctx.quick ? floors.filter((f) => f.name.includes("daemon's I/O")) : floors) {
      const byN = new Map<number, number[]>();
      const bin = await floor.bin();
      for (const n of counts) {
        const xs: number[] = [];
        for (let i = 0; i < reps(ctx, 3, 1); i++) {
          // With the daemon's JavaScriptCore settings: without them a floor pages in JIT compilers Canopy's daemon leaves out.
          const f = startFloor(ctx, floor.argv(bin, n), { ...DAEMON_JSC_SETTINGS });
          try {
            await Bun.sleep(300 + settleMs);
            const kib = rssKiB(f.pid);
            if (kib !== undefined) xs.push(MiB(kib));
          } finally {
            await f.stop();
          }
        }
        byN.set(n, xs);
        if (floor.name.includes("daemon's I/O")) ioFloor.set(n, xs);
        ctx.add({ scenario: `2 daemon RSS, ${n} services`, tool: floor.name, unit: "MiB", samples: xs });
      }
      const fa = byN.get(0) ?? [];
      const fb = byN.get(100) ?? [];
      if (fa.length && fb.length) ctx.add({ scenario: "2 daemon RSS growth 0→100", tool: floor.name, unit: "MiB", samples: [median(fb) - median(fa)] });
    }
    // Issue 21, target 2: within 2 MiB of Bun doing the daemon's I/O, at each count.
    const canopy = ctx.tools.find((t) => t.name === "canopy");
    for (const n of counts) {
      const mine = canopy ? (byCount.get(n)?.get(canopy) ?? []) : [];
      ctx.add(compareRow({ scenario: `2 daemon RSS vs Bun doing its I/O, ${n} services`, canopy: mine, anchor: ioFloor.get(n) ?? [], anchorName: "floor", kind: "difference", unit: "MiB", target: { op: "<=", limit: 2 } }));
    }
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
