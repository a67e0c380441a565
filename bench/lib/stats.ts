// Pure helpers: summaries of repeated samples and their formatting. No I/O here (unit-tested).

export type Summary = { median: number; min: number; max: number; n: number };

/** Median of the samples (mean of the two middle ones for an even count); NaN when empty. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** median, min, max and count of the finite samples; undefined when there is none. */
export function summarize(xs: readonly number[]): Summary | undefined {
  const ok = xs.filter((x) => Number.isFinite(x));
  if (ok.length === 0) return undefined;
  return { median: median(ok), min: Math.min(...ok), max: Math.max(...ok), n: ok.length };
}

/** A number with a sensible number of digits for its size: 1234 → "1234", 12.34 → "12.3", 1.234 → "1.23". */
export function num(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toString();
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  if (a === 0) return "0";
  return x.toPrecision(2);
}

/** Large counts with a unit prefix: 1530000 → "1.53M". */
export function count(x: number): string {
  const a = Math.abs(x);
  if (a >= 1e9) return `${num(x / 1e9)}G`;
  if (a >= 1e6) return `${num(x / 1e6)}M`;
  if (a >= 1e4) return `${num(x / 1e3)}k`;
  return num(x);
}

/** "median (min–max, n)" with a unit after the median; a single sample is "v unit (n=1)". */
export function formatSummary(s: Summary | undefined, unit: string, fmt: (x: number) => string = num): string {
  if (!s) return "—";
  const u = unit ? ` ${unit}` : "";
  if (s.n === 1) return `${fmt(s.median)}${u} (n=1)`;
  return `${fmt(s.median)}${u} (${fmt(s.min)}–${fmt(s.max)}, n=${s.n})`;
}

/** Whether a value meets a target: at most (≤) or at least (≥) the limit. */
export function meets(value: number, target: { op: "<=" | ">="; limit: number }): boolean {
  return target.op === "<=" ? value <= target.limit : value >= target.limit;
}

/** Pads cells into aligned columns (by code points, so "–" and "≤" count as one). */
export function table(rows: readonly (readonly string[])[], sep = "  "): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, [...c].length)));
  return rows
    .map((r) => r.map((c, i) => (i === r.length - 1 ? c : c + " ".repeat((widths[i] ?? 0) - [...c].length))).join(sep).trimEnd())
    .join("\n");
}
