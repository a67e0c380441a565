// What every scenario receives, and the interleaving loop they share.
import type { Fixtures } from "../lib/cc.ts";
import { MARKER, markedPids, processes, type Proc, sweep } from "../lib/proc.ts";
import type { Row } from "../lib/report.ts";
import type { Tool } from "../tools/tool.ts";

export type BenchContext = {
  runId: string;
  root: string;
  tools: Tool[];
  fx: Fixtures;
  quick: boolean;
  /** Absolute path of sleep(1), the idle child of the footprint, control and scale scenarios. */
  sleep: string;
  /** The running Bun (for the floors). */
  bun: string;
  /** Standalone executables compiled from bench/floors (built once per run, on demand). */
  floorBin(name: "hello" | "status" | "spawn" | "daemon-io"): Promise<string>;
  add(row: Row): void;
  log(msg: string): void;
  /** n fresh loopback ports for a tool (each tool has its own range, below the ephemeral range). */
  ports(tool: Tool, n: number): number[];
};

export type Scenario = { id: string; num: number; title: string; run(ctx: BenchContext): Promise<void> };

/** reps for a full run, or for --quick. */
export const reps = (ctx: BenchContext, full: number, quick: number) => (ctx.quick ? quick : full);

export type Outcome = { samples: Map<Tool, number[]>; errors: Map<Tool, string> };

/**
 * rep 1: tool A, tool B, tool C; rep 2: … Each call's number is a sample (undefined: none).
 * A failing call is recorded as that tool's error and the tool skips the rest of the reps
 * after its processes are swept.
 */
export async function interleave(ctx: BenchContext, n: number, tools: Tool[], fn: (tool: Tool, rep: number) => Promise<number | undefined>): Promise<Outcome> {
  const samples = new Map<Tool, number[]>(tools.map((t) => [t, []]));
  const errors = new Map<Tool, string>();
  for (let rep = 0; rep < n; rep++) {
    for (const tool of tools) {
      if (errors.has(tool)) continue;
      try {
        const v = await fn(tool, rep);
        if (v !== undefined) samples.get(tool)?.push(v);
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        errors.set(tool, msg);
        ctx.log(`  ${tool.name} rep ${rep + 1}: ${msg.split("\n").slice(0, 6).join("\n    ")}`);
        await tool.cleanup();
      }
    }
  }
  return { samples, errors };
}

/** Runs body, then kills every process of every tool whatever happened. */
export async function withCleanup<T>(ctx: BenchContext, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } finally {
    for (const t of ctx.tools) await t.cleanup();
    await sweep(ctx.runId);
  }
}

/** Live listener processes for a port (argv: LISTENER PORT). */
export function listenersOn(ctx: BenchContext, port: number, all: Proc[] = processes()): Proc[] {
  return all.filter((p) => p.argv[0] === ctx.fx.listener && p.argv[1] === String(port));
}

/** Live processes of one tool (by the tool's marker) running `exe` (argv[0] as a path or a bare name). */
export function toolProcs(tool: Tool, exe: string): number {
  const marked = new Set(markedPids(tool.marker));
  const base = exe.slice(exe.lastIndexOf("/") + 1);
  return processes().filter((p) => marked.has(p.pid) && (p.argv[0] === exe || p.argv[0] === base)).length;
}

/** Waits (bounded) until pred() holds; ms from t0 to when it did. Throws with `what` on time-out. */
export async function until(pred: () => boolean | Promise<boolean>, t0: number, timeoutMs: number, what: string, pollMs = 5): Promise<number> {
  const deadline = t0 + timeoutMs;
  for (;;) {
    if (await pred()) return performance.now() - t0;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await Bun.sleep(pollMs);
  }
}

/**
 * Starts a floor program (argv) in the background with the tool-less marker `${runId}:floor`,
 * returning its pid and a stop function that kills it and everything it spawned.
 */
export function startFloor(ctx: BenchContext, argv: string[], env: Record<string, string> = {}): { pid: number; stop: () => Promise<void> } {
  const marker = `${ctx.runId}:floor`;
  const child = Bun.spawn(argv, { env: { ...process.env, ...env, [MARKER]: marker }, stdin: "ignore", stdout: "ignore", stderr: "inherit" });
  return {
    pid: child.pid,
    stop: async () => {
      child.kill("SIGKILL");
      await child.exited;
      await sweep(marker);
    },
  };
}

/** Rows for one measurement: one per tool, in tool order. */
export function rowsFor(ctx: BenchContext, out: Outcome, base: Omit<Row, "tool" | "samples">, notes: Map<Tool, string> = new Map()): void {
  for (const [tool, samples] of out.samples) {
    ctx.add({ ...base, tool: tool.name, samples, note: notes.get(tool) ?? base.note, error: out.errors.get(tool) });
  }
}
