/** The Prometheus text exposition format (version 0.0.4), rendered from plain data: no I/O. */

/** The content type a scraper expects for this format. */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export type Labels = Readonly<Record<string, string>>;

export interface Sample {
  labels: Labels;
  value: number;
}

/** One metric family: HELP and TYPE once, then its samples. */
export interface MetricFamily {
  name: string;
  help: string;
  type: "counter" | "gauge";
  samples: Sample[];
}

const NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Renders every family, in order; a family with no samples still says what it is. Throws on a malformed name (a programming error). */
export function renderPrometheus(families: readonly MetricFamily[]): string {
  let out = "";
  for (const f of families) {
    if (!NAME_RE.test(f.name)) throw new Error(`invalid metric name ${JSON.stringify(f.name)}`);
    out += `# HELP ${f.name} ${escapeHelp(f.help)}\n# TYPE ${f.name} ${f.type}\n`;
    for (const s of f.samples) out += `${f.name}${renderLabels(s.labels)} ${formatValue(s.value)}\n`;
  }
  return out;
}

function renderLabels(labels: Labels): string {
  const keys = Object.keys(labels);
  if (keys.length === 0) return "";
  const parts = keys.map((k) => {
    if (!LABEL_RE.test(k) || k.startsWith("__")) throw new Error(`invalid label name ${JSON.stringify(k)}`);
    return `${k}="${escapeLabelValue(labels[k] ?? "")}"`;
  });
  return `{${parts.join(",")}}`;
}

/** A label value as the format needs it: backslash, double quote and newline escaped. */
export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`));
}

/** HELP text escapes only backslash and newline. */
export function escapeHelp(text: string): string {
  return text.replace(/[\\\n]/g, (c) => (c === "\n" ? "\\n" : "\\\\"));
}

/** A sample value: integers as written, NaN and infinities by the format's names. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}
