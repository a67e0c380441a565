// Rows that judge Canopy against an anchor measured in the same run — another tool or a floor —
// as issue 21's targets are stated: a ratio (≤ 1.3× the hello floor) or a difference (≤ floor + 2 MiB). Pure.
import type { Row, Target } from "./report.ts";
import { median, num } from "./stats.ts";

export type Comparison = {
  scenario: string;
  /** Canopy's samples and the anchor's, in the same run. */
  canopy: readonly number[];
  anchor: readonly number[];
  /** How the anchor is named in the row, e.g. "supervisord" or "compiled hello". */
  anchorName: string;
  /** "ratio": canopy / anchor (unit ×); "difference": canopy − anchor (in `unit`). */
  kind: "ratio" | "difference";
  unit?: string;
  target: Omit<Target, "text">;
  /** What to do when the anchor was not measured, e.g. "run with --vs supervisord". */
  missing?: string;
  /**
   * Sample i of Canopy and of the anchor were taken side by side (same rep): the ratio is the
   * median of the per-rep ratios, which a load that changes during the run moves far less than
   * a ratio of the two medians. Falls back to the medians when the counts differ.
   */
  paired?: boolean;
};

/** Canopy's median against the anchor's as a row with its target; without both medians, a row that says what is missing (no verdict). */
export function compareRow(c: Comparison): Row {
  const unit = c.kind === "ratio" ? "×" : (c.unit ?? "");
  const sign = c.target.op === "<=" ? "≤" : "≥";
  const lim = c.target.limit;
  const text = c.kind === "ratio" ? `${sign} ${lim}× ${c.anchorName}` : `${sign} ${c.anchorName} ${lim >= 0 ? "+" : "−"} ${Math.abs(lim)} ${unit}`;
  const target: Target = { ...c.target, text };
  const a = median(c.anchor);
  const m = median(c.canopy);
  if (!Number.isFinite(a) || !Number.isFinite(m) || (c.kind === "ratio" && a === 0)) {
    const why = !Number.isFinite(m) ? "no Canopy sample" : `no ${c.anchorName} sample${c.missing ? ` (${c.missing})` : ""}`;
    return { scenario: c.scenario, tool: "canopy", unit, samples: [], text: `n/a: ${why}`, note: target.text };
  }
  const pairs = c.paired && c.kind === "ratio" && c.canopy.length === c.anchor.length ? c.canopy.map((x, i) => x / (c.anchor[i] as number)) : undefined;
  const value = pairs ? median(pairs) : c.kind === "ratio" ? m / a : m - a;
  const unitText = unit ? ` ${unit}` : "";
  return {
    scenario: c.scenario,
    tool: "canopy",
    unit,
    samples: [value],
    target,
    note: `canopy ${num(m)}${c.kind === "ratio" ? "" : unitText} vs ${c.anchorName} ${num(a)}${c.kind === "ratio" ? "" : unitText}${pairs ? ` (medians); median of ${pairs.length} per-rep ratios` : ""}`,
    fmt: c.kind === "difference" ? (x) => `${x >= 0 ? "+" : ""}${num(x)}` : num,
  };
}
