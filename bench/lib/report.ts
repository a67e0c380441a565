// The rows a scenario reports, and how run.ts turns them into a table and JSON.
import { formatSummary, meets, num, type Summary, summarize, table } from "./stats.ts";

export type Target = { op: "<=" | ">="; limit: number; text: string };

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
  verdict?: "PASS" | "MISS";
  note?: string;
  error?: string;
  /** Formats one number of this row (default: num). */
  fmt?: (x: number) => string;
};

export type RowJson = Omit<Row, "fmt"> & { summary?: Summary };

/** PASS/MISS for Canopy rows with a target; other rows get none. */
export function verdict(r: Row): string {
  if (r.verdict) return r.verdict;
  if (!r.target || r.tool !== "canopy") return "";
  const s = summarize(r.samples);
  if (!s) return "MISS";
  return meets(s.median, r.target) ? "PASS" : "MISS";
}

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
  return { ...rest, ...(summary ? { summary } : {}), ...(verdict(r) ? { verdict: verdict(r) as "PASS" | "MISS" } : {}) };
}
