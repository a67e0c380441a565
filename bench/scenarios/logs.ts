// 6. Log throughput: the writer child prints N lines of 80 bytes; lines/s under each tool vs. to /dev/null,
// and the daemon's CPU time per MB of output.
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, rmSync, truncateSync } from "node:fs";
import { join } from "node:path";
import { DEFAULTS } from "../../src/config/defaults.ts";
import { exec } from "../lib/exec.ts";
import { cpuSeconds } from "../lib/proc.ts";
import { count, median, num } from "../lib/stats.ts";
import { passIf } from "../lib/report.ts";
import { compareRow } from "../lib/targets.ts";
import type { Tool } from "../tools/tool.ts";
import { type BenchContext, interleave, reps, type Scenario, until, withCleanup } from "./common.ts";
import { runLogQuery } from "./log-query.ts";

/** Lines/s from the writer's own timing file (its elapsed time from first to last write returning). */
function linesPerSec(file: string): number {
  const [ns = "0", lines = "0"] = readFileSync(file, "utf8").trim().split(" ");
  return Number(lines) / (Number(ns) / 1e9);
}

/** Whether the log file ends with the writer's last line ("line <count-1> xxx…\n"). */
function endsWithLastLine(file: string, lines: number): boolean {
  try {
    const fd = openSync(file, "r");
    try {
      const size = fstatSync(fd).size;
      const buf = Buffer.alloc(80);
      readSync(fd, buf, 0, 80, Math.max(0, size - 80));
      return buf.toString().startsWith(`line ${String(lines - 1).padStart(9, "0")} `) && buf.toString().endsWith("\n");
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

/**
 * Writes back every dirty page before a rep: the 160 MB the previous rep logged would
 * otherwise be flushed to disk during this one, on the same two cores.
 */
function settleDisk(): void {
  Bun.spawnSync(["sync"], { stdin: "ignore", stdout: "ignore", stderr: "ignore" });
}

/** Waits until the process's CPU time stops growing (two equal readings 150 ms apart); bounded. */
async function settledCpu(pid: number, timeoutMs = 60_000): Promise<number> {
  const t0 = performance.now();
  let last = cpuSeconds(pid) ?? Number.NaN;
  while (performance.now() - t0 < timeoutMs) {
    await Bun.sleep(150);
    const now = cpuSeconds(pid) ?? Number.NaN;
    if (now === last) return now;
    last = now;
  }
  return last;
}

const DEV_NULL = "floor: > /dev/null";
const BARE_BUN = "floor: bare Bun.spawn read → rotated files";

export const scenario: Scenario = {
  id: "logs",
  num: 6,
  title: "log throughput",
  async run(ctx: BenchContext) {
    const lines = ctx.quick ? 300_000 : 2_000_000;
    const mb = (lines * 80) / 1e6;
    // Five, not three: one rep disturbed by the machine moves a median of three a long way.
    const n = reps(ctx, 5, 3);
    const label = `6 log throughput, ${count(lines)} × 80 B lines`;
    const timing = join(ctx.root, "writer-timing");
    const floorProgram = join(import.meta.dir, "..", "floors", "pipe-read.ts");
    const floorLog = join(ctx.root, "floor.log");

    // Floors, interleaved with each other: /dev/null, the child writing a file itself, a pipe into cat,
    // a pipe into a bare Bun.spawn read loop (alone and writing a file).
    const floors: { name: string; run: () => Promise<void> }[] = [
      {
        name: DEV_NULL,
        run: async () => {
          const fd = openSync("/dev/null", "w");
          try {
            const child = Bun.spawn([ctx.fx.writer, String(lines), timing], { stdin: "ignore", stdout: fd, stderr: "inherit" });
            await child.exited;
          } finally {
            closeSync(fd);
          }
        },
      },
      {
        // What keeping the lines costs with no supervisor at all: no reader, the child appending to a fresh file itself.
        name: "floor: > file (no reader)",
        run: async () => {
          rmSync(floorLog, { force: true });
          const fd = openSync(floorLog, "a");
          try {
            const child = Bun.spawn([ctx.fx.writer, String(lines), timing], { stdin: "ignore", stdout: fd, stderr: "inherit" });
            await child.exited;
          } finally {
            closeSync(fd);
          }
        },
      },
      { name: "floor: | cat > /dev/null", run: async () => void (await exec(["sh", "-c", `"$0" "$1" "$2" | cat > /dev/null`, ctx.fx.writer, String(lines), timing], { timeoutMs: 120_000 })) },
      {
        name: "floor: bare Bun.spawn pipe read",
        run: async () => void (await exec([ctx.bun, join(import.meta.dir, "..", "floors", "pipe-read.ts"), "--", ctx.fx.writer, String(lines), timing], { timeoutMs: 120_000 })),
      },
      {
        name: "floor: bare Bun.spawn read → file",
        run: async () => {
          // A new file each time, as a log file is: rewriting last run's pages in place is cheaper than the real thing.
          rmSync(floorLog, { force: true });
          await exec([ctx.bun, floorProgram, "--file", floorLog, "--", ctx.fx.writer, String(lines), timing], { timeoutMs: 120_000 });
        },
      },
      {
        name: BARE_BUN,
        run: async () => {
          for (const suffix of ["", ".1", ".2"]) rmSync(`${floorLog}${suffix}`, { force: true });
          await exec([ctx.bun, floorProgram, "--file", floorLog, "--rotate", String(DEFAULTS.logMaxSizeBytes), "--", ctx.fx.writer, String(lines), timing], { timeoutMs: 120_000 });
        },
      },
    ];
    // --quick keeps the two floors issue 21's targets are read against.
    const run = ctx.quick ? floors.filter((f) => f.name === DEV_NULL || f.name === BARE_BUN) : floors;
    const floorRates = new Map<string, number[]>(run.map((f) => [f.name, []]));
    for (let i = 0; i < Math.max(n, 3); i++) {
      for (const f of run) {
        rmSync(timing, { force: true });
        settleDisk();
        await f.run();
        if (existsSync(timing)) floorRates.get(f.name)?.push(linesPerSec(timing));
      }
    }
    for (const suffix of ["", ".1", ".2"]) rmSync(`${floorLog}${suffix}`, { force: true });
    const devnull = median(floorRates.get(DEV_NULL) ?? []);
    const ratioNote = (xs: number[]) => (xs.length ? `${num(median(xs) / devnull)}× /dev/null` : "");

    const cpuPerMb = new Map<Tool, number[]>(ctx.tools.map((t) => [t, []]));
    const lost = new Map<Tool, number>();
    const out = await withCleanup(ctx, async () => {
      const ready: Tool[] = [];
      for (const tool of ctx.tools) {
        try {
          tool.reset();
          tool.writeConfig([{ name: "writer", argv: [ctx.fx.writer, String(lines), join(tool.dir, "timing")], autorestart: false, autostart: false }]);
          await tool.bootEmpty();
          ready.push(tool);
        } catch (e) {
          ctx.add({ scenario: label, tool: tool.name, unit: "lines/s", samples: [], error: String(e) });
          await tool.cleanup();
        }
      }
      await Bun.sleep(500);
      return interleave(ctx, n, ready, async (tool) => {
        const file = join(tool.dir, "timing");
        rmSync(file, { force: true });
        const daemon = await tool.daemonPid();
        if (daemon === undefined) throw new Error("no daemon");
        const cpu0 = await settledCpu(daemon);
        settleDisk();
        await tool.start("writer");
        await until(() => existsSync(file) && readFileSync(file, "utf8").endsWith("\n"), performance.now(), 300_000, "the writer to finish", 20);
        const rate = linesPerSec(file);
        const cpu1 = await settledCpu(daemon);
        cpuPerMb.get(tool)?.push(((cpu1 - cpu0) * 1000) / mb);
        if (!endsWithLastLine(tool.stdoutLog("writer"), lines)) lost.set(tool, (lost.get(tool) ?? 0) + 1);
        // Keep the disk bounded: PM2 never rotates, and it keeps its fd open (so truncate, never unlink).
        if (tool.name !== "canopy") truncateSync(tool.stdoutLog("writer"), 0);
        return rate;
      });
    });

    for (const [name, xs] of floorRates) {
      ctx.add({ scenario: label, tool: name, unit: "lines/s", samples: xs, fmt: count, note: name.includes("/dev/null") && !name.includes("cat") ? "the baseline" : ratioNote(xs) });
    }
    for (const [tool, xs] of out.samples) {
      ctx.add({
        scenario: label,
        tool: tool.name,
        unit: "lines/s",
        samples: xs,
        fmt: count,
        note: [ratioNote(xs), lost.get(tool) ? `last line missing from its log in ${lost.get(tool)}/${xs.length} reps` : "log ends with the last line"].join("; "),
        error: out.errors.get(tool),
        // Issue 21: whatever the path, the logs still end with the last line in every repetition.
        ...(tool.name === "canopy" ? { target: { op: ">=" as const, limit: 0, text: "every rep's log ends with its last line" }, verdict: passIf(xs.length > 0 && !lost.get(tool)) } : {}),
      });
    }
    // Issue 21, target 1, against supervisord in this run; and against the floors, with the ratios
    // supervisord had to them in issue 21's run (0.55× /dev/null, 1.32× the bare Bun read) × 1.2,
    // so that a run without --vs still says where the target lies.
    const rates = (name: string) => [...out.samples].find(([t]) => t.name === name)?.[1] ?? [];
    const cpu = (name: string) => [...cpuPerMb].find(([t]) => t.name === name)?.[1] ?? [];
    const vsSupervisord = "run with --vs supervisord";
    ctx.add(compareRow({ scenario: "6 log throughput vs supervisord", canopy: rates("canopy"), anchor: rates("supervisord"), anchorName: "supervisord", kind: "ratio", target: { op: ">=", limit: 1.2 }, missing: vsSupervisord }));
    ctx.add(compareRow({ scenario: "6 daemon CPU per MB vs supervisord", canopy: cpu("canopy"), anchor: cpu("supervisord"), anchorName: "supervisord", kind: "ratio", target: { op: "<=", limit: 1 }, missing: vsSupervisord }));
    ctx.add(compareRow({ scenario: "6 log throughput vs /dev/null", canopy: rates("canopy"), anchor: floorRates.get(DEV_NULL) ?? [], anchorName: "/dev/null", kind: "ratio", target: { op: ">=", limit: 0.66 } }));
    ctx.add(compareRow({ scenario: "6 log throughput vs bare Bun read", canopy: rates("canopy"), anchor: floorRates.get(BARE_BUN) ?? [], anchorName: "bare Bun read → rotated files", kind: "ratio", target: { op: ">=", limit: 1.58 } }));
    for (const [tool, xs] of cpuPerMb) {
      if (xs.length) ctx.add({ scenario: "6 daemon CPU per MB of output", tool: tool.name, unit: "ms/MB", samples: xs, note: "utime+stime of the daemon process" });
    }
    const canopy = ctx.tools.find((t) => t.name === "canopy") as (Tool & { bin: string }) | undefined;
    if (canopy && !ctx.quick) await runLogQuery(ctx, canopy.bin, n);
  },
};
