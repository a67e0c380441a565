// The `logs` query over 100 MB of rotated log files (10 × 10 MB, the daemon's file format and stamp
// indexes, written here with its LogFiles): time to answer, files in the page cache, no daemon.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LogFiles } from "../../src/daemon/log-files.ts";
import { benchEnv, exec } from "../lib/exec.ts";
import type { BenchContext } from "./common.ts";

const LINE_BYTES = 80;
const LINES_PER_READ = 1500; // lines per stamped run (one index entry each), ~120 KB: coarser than a flooded pipe, whose reads bring at most 64 KiB
const TOTAL_BYTES = 100 * 1024 * 1024;
const SPAN_MS = 10 * 3_600_000; // the 100 MB arrived over the last 10 hours
const NEEDLE_EVERY = 1000;

/** Writes the files; returns the CLI's environment and config. */
export function writeLogs(root: string): { env: Record<string, string | undefined>; config: string; lines: number } {
  const dir = join(root, "log-query");
  const stateDir = join(dir, "state");
  mkdirSync(dir, { recursive: true });
  const config = join(dir, "canopy.yaml");
  writeFileSync(config, "services:\n  big:\n    cmd: [\"true\"]\n");
  const files = new LogFiles({ dir: join(stateDir, "logs"), maxSizeBytes: 10 * 1024 * 1024, maxFiles: 11, timestamps: true });
  const reads = Math.ceil(TOTAL_BYTES / (LINE_BYTES * LINES_PER_READ));
  const start = Date.now() - SPAN_MS;
  let n = 0;
  for (let r = 0; r < reads; r++) {
    let text = "";
    for (let i = 0; i < LINES_PER_READ; i++, n++) {
      const head = `line ${String(n).padStart(9, "0")} ${n % NEEDLE_EVERY === 0 ? "needle " : ""}`;
      text += `${head}${"x".repeat(LINE_BYTES - 1 - head.length)}\n`;
    }
    files.write("big", Buffer.from(text), { at: start + Math.floor((r * SPAN_MS) / reads), stream: r % 7 === 6 ? "stderr" : "stdout" });
  }
  files.close();
  return { env: { CANOPY_STATE_DIR: stateDir, NO_COLOR: "1" }, config, lines: n };
}

/** Adds the query rows, timing `canopy logs …` with each filter, interleaved. */
export async function runLogQuery(ctx: BenchContext, canopyBin: string, n: number): Promise<void> {
  const { env, config, lines } = writeLogs(ctx.root);
  const queries: { name: string; args: string[]; expect: (out: string) => boolean }[] = [
    { name: "logs --since 10m", args: ["--since", "10m"], expect: (out) => out.split("\n").length > 1000 },
    { name: "logs --since 11h --grep needle (scans all 100 MB)", args: ["--since", "11h", "--grep", "needle"], expect: (out) => out.split("\n").length - 1 === Math.ceil(lines / NEEDLE_EVERY) },
    { name: "logs --since 11h --stderr --grep needle", args: ["--since", "11h", "--stderr", "--grep", "needle"], expect: (out) => out.includes("needle") },
    { name: "logs --since 11h > /dev/null (all 1.3M lines)", args: ["--since", "11h"], expect: () => true },
    { name: "logs -n 100", args: ["-n", "100"], expect: (out) => out.split("\n").length - 1 === 100 },
  ];
  const samples = new Map<string, number[]>(queries.map((q) => [q.name, []]));
  for (let rep = 0; rep < n; rep++) {
    for (const q of queries) {
      const ignore = q.name.includes("/dev/null");
      const r = await exec([canopyBin, "-c", config, "logs", "big", ...q.args], { env: benchEnv(ctx.runId, env), timeoutMs: 120_000, stdout: ignore ? "ignore" : "pipe" });
      if (r.code !== 0 || !q.expect(r.stdout)) throw new Error(`${q.name}: exit ${r.code}, ${r.stdout.length} bytes out: ${r.stderr.slice(-300)}`);
      samples.get(q.name)?.push(r.ms);
    }
  }
  for (const q of queries) {
    ctx.add({ scenario: "6 logs query over 100 MB of rotated files", tool: q.name, unit: "ms", samples: samples.get(q.name) ?? [], note: "10 × 10 MB files, page cache warm, no daemon" });
  }
}
