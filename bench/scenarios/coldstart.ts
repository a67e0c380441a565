// 8. CLI cold start: `canopy --version` (pm2 --version, supervisorctl version), with floors for Bun, Node and Python.
import { exec } from "../lib/exec.ts";
import { compareRow } from "../lib/targets.ts";
import type { Tool } from "../tools/tool.ts";
import { type BenchContext, interleave, type Outcome, reps, rowsFor, type Scenario, withCleanup } from "./common.ts";

const NOTES: Record<string, string> = {
  canopy: "dist/canopy --version, no daemon",
  pm2: "pm2 --version, God daemon already running",
  supervisord: "supervisorctl version, asks the running daemon",
};

export const scenario: Scenario = {
  id: "cold-start",
  num: 8,
  title: "CLI cold start",
  async run(ctx: BenchContext) {
    // A start is ~20–60 ms: even --quick can afford enough runs for a median that holds still.
    const n = reps(ctx, 20, 15);
    const label = "8 CLI cold start (--version)";
    await withCleanup(ctx, async () => {
      const ready: Tool[] = [];
      const notes = new Map<Tool, string>();
      for (const tool of ctx.tools) {
        try {
          tool.reset();
          tool.writeConfig([]);
          // supervisorctl asks the daemon; pm2's CLI spawns its God daemon when none runs. Both are started first,
          // so what is timed is the CLI itself.
          if (tool.name !== "canopy") await tool.bootEmpty();
          await tool.cmd(tool.versionArgv()); // warm the page cache
          ready.push(tool);
          notes.set(tool, NOTES[tool.name] ?? "");
        } catch (e) {
          ctx.add({ scenario: label, tool: tool.name, unit: "ms", samples: [], error: String(e) });
        }
      }
      const floors: [string, string[]][] = [
        ["floor: compiled bun hello", [await ctx.floorBin("hello")]],
        ["floor: bun -e 0", [ctx.bun, "-e", "0"]],
        ["floor: node -e ''", ["node", "-e", ""]],
        ["floor: python3 -c ''", ["python3", "-c", ""]],
        ["floor: /bin/true", ["/bin/true"]],
      ];
      const samples = new Map<string, number[]>(floors.map(([k]) => [k, []]));
      for (const [, argv] of floors) await exec(argv).catch(() => {});
      // Each rep runs every tool and then every floor: a ratio to a floor compares runs made side by side.
      const out: Outcome = { samples: new Map(ready.map((t) => [t, []])), errors: new Map() };
      for (let i = 0; i < n; i++) {
        const rep = await interleave(
          ctx,
          1,
          ready.filter((t) => !out.errors.has(t)),
          async (tool) => {
            const r = await tool.cmd(tool.versionArgv(), 30_000);
            if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr.slice(-300)}`);
            return r.ms;
          },
        );
        for (const [t, xs] of rep.samples) out.samples.get(t)?.push(...xs);
        for (const [t, e] of rep.errors) out.errors.set(t, e);
        for (const [name, argv] of floors) {
          const r = await exec(argv, { timeoutMs: 30_000 }).catch(() => undefined);
          if (r && r.code === 0) samples.get(name)?.push(r.ms);
        }
      }
      rowsFor(ctx, out, { scenario: label, unit: "ms", target: { op: "<=", limit: 25, text: "≤ 25 ms" } }, notes);
      for (const [name, xs] of samples) ctx.add({ scenario: label, tool: name, unit: "ms", samples: xs, ...(name.includes("compiled") ? { note: "bun build --compile --minify --bytecode of console.log()" } : {}) });
      // Issue 21, target 3.
      const canopy = [...out.samples].find(([t]) => t.name === "canopy")?.[1] ?? [];
      ctx.add(compareRow({ scenario: "8 CLI cold start vs compiled hello", canopy, anchor: samples.get("floor: compiled bun hello") ?? [], anchorName: "compiled hello", kind: "ratio", target: { op: "<=", limit: 1.3 }, paired: true }));
    });
  },
};
