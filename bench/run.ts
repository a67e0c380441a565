// `bun run bench [--quick] [--json] [--vs pm2,supervisord] [--only fleet,logs,…|1,6,…]`
// Measures Canopy (the compiled dist/canopy) and, with --vs, PM2 and supervisord on the same cheap C children.
// Prints a table, writes bench/results/<YYYY-MM-DD>.json. Timings are reported, never asserted.
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { buildFixtures } from "./lib/cc.ts";
import { run } from "./lib/exec.ts";
import { machine } from "./lib/machine.ts";
import { dropFromPageCache } from "./lib/page-cache.ts";
import { sweep } from "./lib/proc.ts";
import { isUnjudged, renderTable, renderTargets, type Row, toJson, verdict } from "./lib/report.ts";
import type { BenchContext, Scenario } from "./scenarios/common.ts";
import { scenario as fleet } from "./scenarios/fleet.ts";
import { scenario as footprint } from "./scenarios/footprint.ts";
import { scenario as control } from "./scenarios/control.ts";
import { scenario as crash } from "./scenarios/crash.ts";
import { scenario as groupStop } from "./scenarios/groupstop.ts";
import { scenario as logs } from "./scenarios/logs.ts";
import { scenario as daemonCrash } from "./scenarios/daemoncrash.ts";
import { scenario as coldStart } from "./scenarios/coldstart.ts";
import { scenario as scale } from "./scenarios/scale.ts";
import { Canopy } from "./tools/canopy.ts";
import { Pm2 } from "./tools/pm2.ts";
import { Supervisord } from "./tools/supervisord.ts";
import type { Context, Tool } from "./tools/tool.ts";

const SCENARIOS: Scenario[] = [fleet, footprint, control, crash, groupStop, logs, daemonCrash, coldStart, scale];
/**
 * `--quick` (unless --only says otherwise): the scenarios behind issue 21's ratios, at sizes that
 * finish in under a minute — the check to run before a performance-minded commit.
 */
const QUICK: Scenario[] = [coldStart, footprint, logs, scale];
const ROOT = join(import.meta.dir, "..");
const USAGE = `usage: bun run bench [--quick] [--json] [--vs pm2,supervisord] [--only ${SCENARIOS.map((s) => s.id).join(",")}]`;

type Args = { quick: boolean; json: boolean; vs: string[]; only: Scenario[] };

function parseArgs(argv: string[]): Args {
  const a: Args = { quick: false, json: false, vs: [], only: SCENARIOS };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    if (flag === "--quick") a.quick = true;
    else if (flag === "--json") a.json = true;
    else if (flag === "--vs") a.vs = value().split(",").filter(Boolean);
    else if (flag === "--only") {
      a.only = value()
        .split(",")
        .filter(Boolean)
        .map((k) => {
          const s = SCENARIOS.find((x) => x.id === k || String(x.num) === k);
          if (!s) throw new Error(`unknown scenario ${k}\n${USAGE}`);
          return s;
        });
    } else if (flag === "-h" || flag === "--help") {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }
  for (const v of a.vs) if (v !== "pm2" && v !== "supervisord") throw new Error(`--vs takes pm2 and/or supervisord, not ${v}`);
  if (a.quick && !argv.some((x) => x === "--only" || x.startsWith("--only="))) a.only = QUICK;
  return a;
}

/**
 * dist/canopy (built with build.ts when missing), copied into the scratch dir so that a rebuild
 * of dist/ during the run cannot change or remove the binary under test.
 */
async function canopyBinary(root: string, log: (m: string) => void): Promise<string> {
  const bin = join(ROOT, "dist", "canopy");
  // Always rebuilt (under a second): a dist/canopy left from older sources would measure old code.
  log("building dist/canopy from the working tree with `bun build.ts --target host`");
  await run([process.execPath, join(ROOT, "build.ts"), "--target", "host"], { cwd: ROOT, timeoutMs: 300_000 });
  const copy = join(root, "canopy-under-test");
  copyFileSync(bin, copy);
  chmodSync(copy, 0o755);
  if (!dropFromPageCache(copy)) log("note: could not drop the new binary from the page cache (no GNU dd?); its RSS reads about 5 MiB high");
  return copy;
}

/** The 1-minute load average (other work on the machine skews every figure). */
function loadavg(): number {
  try {
    return Number(readFileSync("/proc/loadavg", "utf8").split(" ")[0]);
  } catch {
    return Number.NaN;
  }
}

/** Groups rows by scenario (in order of first appearance), then canopy, pm2, supervisord, then floors. */
function sortRows(rows: Row[]): void {
  const order = new Map<string, number>();
  rows.forEach((r) => order.has(r.scenario) || order.set(r.scenario, order.size));
  for (const [k, v] of order) order.set(k, Number.parseInt(k, 10) * 1000 + v);
  const rank = (t: string) => {
    const i = ["canopy", "pm2", "supervisord"].indexOf(t);
    return i === -1 ? 3 : i;
  };
  const indexed = rows.map((r, i) => ({ r, i }));
  indexed.sort((a, b) => (order.get(a.r.scenario) as number) - (order.get(b.r.scenario) as number) || rank(a.r.tool) - rank(b.r.tool) || a.i - b.i);
  rows.splice(0, rows.length, ...indexed.map((x) => x.r));
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const startedAt = new Date();
  const log = (m: string) => process.stderr.write(`${m}\n`);
  const runId = `${process.pid}-${Date.now().toString(36)}`;
  const root = mkdtempSync(join(tmpdir(), "canopy-bench-"));
  const ctxBase: Context = { runId, root, env: {} };
  const tools: Tool[] = [];
  const rows: Row[] = [];
  const timings: { scenario: string; seconds: number; loadavg_before: number; loadavg_after: number }[] = [];
  let failed = false;
  const onSignal = () => {
    void (async () => {
      for (const t of tools) await t.cleanup();
      await sweep(runId);
      rmSync(root, { recursive: true, force: true });
      process.exit(130);
    })();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    tools.push(new Canopy(ctxBase, await canopyBinary(root, log)));
    for (const v of args.vs) {
      if (v === "pm2") {
        const bin = Bun.which("pm2");
        if (bin) tools.push(new Pm2(ctxBase, bin));
        else log("pm2 is not installed (npm i -g pm2@7): skipped");
      } else {
        const d = Bun.which("supervisord");
        const c = Bun.which("supervisorctl");
        if (d && c) tools.push(new Supervisord(ctxBase, d, c));
        else log("supervisord/supervisorctl are not installed (apt-get install supervisor): skipped");
      }
    }
    const versions: Record<string, string> = {};
    for (const t of tools) versions[t.name] = await t.version();
    const fx = await buildFixtures(root);
    const floorBins = new Map<string, string>();
    const portNext = new Map<Tool, number>();
    const ctx: BenchContext = {
      runId,
      root,
      tools,
      fx,
      quick: args.quick,
      sleep: Bun.which("sleep") ?? "/bin/sleep",
      bun: process.execPath,
      async floorBin(name) {
        const have = floorBins.get(name);
        if (have) return have;
        const out = join(root, `floor-${name}`);
        const flags = ["build", "--compile", "--minify", "--format=esm", "--bytecode", "--no-compile-autoload-dotenv", "--no-compile-autoload-bunfig"];
        await run([process.execPath, ...flags, join(import.meta.dir, "floors", `${name}.ts`), "--outfile", out], { cwd: root, timeoutMs: 120_000 });
        dropFromPageCache(out);
        floorBins.set(name, out);
        return out;
      },
      add: (r) => rows.push(r),
      log,
      ports(tool, n) {
        // canopy 20000–23999, pm2 24000–27999, supervisord 28000–31999: all below the ephemeral range.
        const base = 20_000 + 4000 * ["canopy", "pm2", "supervisord"].indexOf(tool.name);
        const out: number[] = [];
        for (let i = 0; i < n; i++) {
          const next = portNext.get(tool) ?? 0;
          out.push(base + (next % 4000));
          portNext.set(tool, next + 1);
        }
        return out;
      },
    };
    log(`canopy bench: ${tools.map((t) => versions[t.name]).join(" vs ")}${args.quick ? " (quick)" : ""}; scratch ${root}`);
    const load0 = loadavg();
    if (load0 > 1) log(`warning: load average ${load0.toFixed(2)} before the run on ${cpus().length} cores — other work is running and the figures will be noisy`);
    for (const s of args.only) {
      const t0 = performance.now();
      const loadBefore = loadavg();
      log(`[${s.num}] ${s.title} …`);
      try {
        await s.run(ctx);
      } catch (e) {
        failed = true;
        log(`[${s.num}] ${s.title} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        rows.push({ scenario: `${s.num} ${s.title}`, tool: "-", unit: "", samples: [], error: String(e) });
      } finally {
        for (const t of tools) await t.cleanup();
        await sweep(runId);
      }
      const seconds = (performance.now() - t0) / 1000;
      timings.push({ scenario: s.id, seconds: Math.round(seconds * 10) / 10, loadavg_before: loadBefore, loadavg_after: loadavg() });
      log(`[${s.num}] ${s.title}: ${seconds.toFixed(1)} s (load average ${loadBefore.toFixed(2)} → ${loadavg().toFixed(2)})`);
    }
    sortRows(rows);
    const features = tools.find((t): t is Canopy => t instanceof Canopy)?.features() ?? "";
    const wallS = (performance.now() - started) / 1000;
    const doc = {
      date: startedAt.toISOString().slice(0, 10),
      started_at: startedAt.toISOString(),
      wall_time_s: Math.round(wallS * 10) / 10,
      args: process.argv.slice(2),
      quick: args.quick,
      machine: machine(versions),
      scenarios: timings,
      canopy_features: features,
      rows: rows.map(toJson),
    };
    const dir = join(import.meta.dir, "results");
    mkdirSync(dir, { recursive: true });
    // A quick run, or one of some scenarios only, has its own file: it must not replace the full run the README quotes.
    const partial = args.only.length < SCENARIOS.length ? `-only-${args.only.map((s) => s.id).join("-")}` : "";
    const file = join(dir, `${doc.date}${args.quick ? "-quick" : partial}.json`);
    writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
    if (args.json) console.log(JSON.stringify(doc, null, 2));
    else {
      const m = doc.machine;
      console.log(`\n${m.cpu}, ${m.cores} cores, ${m.memory_mib} MiB, Linux ${m.kernel}, Bun ${m.bun}; ${Object.values(m.tools).join(", ")}\n`);
      console.log(renderTable(rows));
      console.log(`\nCanopy's features in these runs: ${features}`);
      console.log(`\nTargets (issue 21 and earlier), each judged within this run:\n${renderTargets(rows)}`);
      const judged = rows.filter((r) => r.tool === "canopy" && verdict(r));
      const failed = judged.filter((r) => verdict(r) === "FAIL").length;
      const unjudged = rows.filter(isUnjudged).length;
      console.log(
        `\nCanopy targets: ${judged.length - failed} PASS, ${failed} FAIL${unjudged ? `, ${unjudged} not judged (an anchor missing)` : ""}. ` +
          `Wall time ${wallS.toFixed(1)} s; load average ${load0.toFixed(2)} before, ${loadavg().toFixed(2)} after. Results: ${file}`,
      );
    }
    return failed ? 1 : 0;
  } finally {
    for (const t of tools) await t.cleanup();
    await sweep(runId);
    rmSync(root, { recursive: true, force: true });
  }
}

process.exitCode = await main().catch((e) => {
  console.error(e instanceof Error ? e.message : String(e));
  return 2;
});
