// The rows a scenario reports, and how run.ts turns them into a table and JSON.
import { formatSummary, meets, num, type Summary, summarize, table } from "./stats.ts";

export type Target = { op: "<=" | ">="; limit: number; text: string };

/** A Canopy target met or not, as the targets are read: PASS or FAIL. */
export type Verdict = "PASS" | "FAIL";

export type Row = {
  /** Scenario number and short label, e.g. "1 fleet start, 20 listeners". */
  scenario: string;
  /** canopy | pm2 | supervisord | a floor such as "floor: bun -e ''". */
  tool: string;
  unit: string;
  samples: number[];
  /** Shown instead of the summary (non-numeric results), e.g. "dup 0, orphans 0". */
  text?: string;
  /** Canopy's target from the issue. */
  target?: Target;
  /** Set by the scenario when the verdict is not "median vs target" (e.g. a ratio, or extra conditions). */
  verdict?: Verdict;
  note?: string;
  error?: string;
  /** Formats one number of this row (default: num). */
  fmt?: (x: number) => string;
};

export type RowJson = Omit<Row, "fmt"> & { summary?: Summary };

/** PASS/FAIL for Canopy rows with a target; other rows get none. */
export function verdict(r: Row): Verdict | "" {
  if (r.verdict) return r.verdict;
  if (!r.target || r.tool !== "canopy") return "";
  const s = summarize(r.samples);
  if (!s) return "FAIL";
  return meets(s.median, r.target) ? "PASS" : "FAIL";
}

/** "PASS" when the condition holds, else "FAIL". */
export const passIf = (ok: boolean): Verdict => (ok ? "PASS" : "FAIL");

export function valueText(r: Row): string {
  if (r.error && r.samples.length === 0 && !r.text) return `error: ${r.error.split("\n")[0]?.slice(0, 80)}`;
  return r.text ?? formatSummary(summarize(r.samples), r.unit, r.fmt ?? num);
}

export function renderTable(rows: readonly Row[]): string {
  const cells: string[][] = [["scenario", "tool", "median (min–max, n)", "target", "", "note"]];
  let last = "";
  for (const r of rows) {
    const first = r.scenario !== last;
    last = r.scenario;
    const note = [r.note, r.error && (r.samples.length > 0 || r.text) ? `errors: ${r.error.split("\n")[0]?.slice(0, 80)}` : ""].filter(Boolean).join("; ");
    cells.push([first ? r.scenario : "", r.tool, valueText(r), r.tool === "canopy" && r.target ? r.target.text : "", verdict(r), note]);
  }
  return table(cells);
}

export function toJson(r: Row): RowJson {
  const { fmt: _fmt, ...rest } = r;
  const summary = summarize(r.samples);
  const v = verdict(r);
  return { ...rest, ...(summary ? { summary } : {}), ...(v ? { verdict: v } : {}) };
}

/** Every Canopy row with a verdict, one line each: what was measured, the target, PASS/FAIL. */
export function renderTargets(rows: readonly Row[]): string {
  const cells: string[][] = [["target", "canopy", "target", ""]];
  for (const r of rows) {
    const v = verdict(r);
    if (r.tool !== "canopy" || (!v && !isUnjudged(r))) continue;
    cells.push([r.scenario, valueText(r), r.target?.text ?? r.note ?? "", v]);
  }
  return table(cells);
}

/** A Canopy target row that could not be judged (its anchor was not measured): "n/a: …", no verdict. */
export function isUnjudged(r: Row): boolean {
  return r.tool === "canopy" && !r.target && r.samples.length === 0 && (r.text ?? "").startsWith("n/a:");
}
