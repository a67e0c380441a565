/** How the converters of foreign formats record what they find, and the small value conversions they share (pure). */
import { describe } from "../config/checks.ts";
import type { ConfigProblem } from "../config/types.ts";

/** What converting a foreign file produced. Problem fields are the format's own (`availability.restart`). */
export interface Conversion {
  raw: { services: Record<string, unknown> };
  problems: ConfigProblem[];
  /** Full paths of skipped keys, e.g. `version`, `processes.api.namespace`. */
  ignored: string[];
  /** `path: what was reread`, e.g. `processes.api.availability.restart: exit_on_failure read as on-failure…`. */
  notes: string[];
  /** Service name → its skipped keys and notes, as comment lines for `convert` to write above it. */
  serviceNotes: Record<string, string[]>;
}

/** A comment for `convert` to write: above one service's settings, or (no service) at the top of the file. */
export interface ConversionComment {
  service?: string;
  text: string;
}

/** An empty conversion to fill. */
export function newConversion(): Conversion {
  return { raw: { services: {} }, problems: [], ignored: [], notes: [], serviceNotes: {} };
}

/** Every skipped key and note as a comment, placed at its service when it belongs to one. */
export function conversionComments(c: Conversion): ConversionComment[] {
  const placed = new Set(Object.values(c.serviceNotes).flat());
  const top = [...c.ignored.map(dropped), ...c.notes].filter((t) => !placed.has(t)).map((text) => ({ text }));
  return [...top, ...Object.entries(c.serviceNotes).flatMap(([service, texts]) => texts.map((text) => ({ service, text })))];
}

function dropped(path: string): string {
  return `${path}: not supported, left out`;
}

/** A report for service `name` whose keys are written at `path(field)` in the file (e.g. `processes.api.field`). */
export function serviceReport(out: Conversion, name: string, path: (field: string) => string): ConvertReport {
  const remember = (text: string) => (out.serviceNotes[name] ??= []).push(text);
  return {
    problem: (field, message) => out.problems.push({ service: name, field, message }),
    ignore: (field) => {
      out.ignored.push(path(field));
      remember(dropped(path(field)));
    },
    note: (field, message) => {
      out.notes.push(`${path(field)}: ${message}`);
      remember(`${path(field)}: ${message}`);
    },
  };
}

/** The one warning for a foreign file: every skipped key, then every value read differently; undefined when neither. */
export function conversionWarning(display: string, format: string, ignored: string[], notes: string[]): string | undefined {
  const parts: string[] = [];
  if (ignored.length > 0) parts.push(`Ignored ${ignored.length} key${ignored.length === 1 ? "" : "s"} canopy does not support: ${ignored.join(", ")}.`);
  if (notes.length > 0) parts.push(`Read differently: ${notes.join("; ")}.`);
  return parts.length === 0 ? undefined : `${display}: read as ${format}. ${parts.join(" ")}`;
}

/** Records findings at a field path relative to the thing being converted (e.g. `availability.restart`). */
export interface ConvertReport {
  /** A value canopy cannot use: an error. */
  problem(field: string, message: string): void;
  /** A key outside the supported subset: skipped, named in the warning. */
  ignore(field: string): void;
  /** A value read with a different meaning: named in the warning. */
  note(field: string, message: string): void;
}

/** The same report with `prefix.` put before every field. */
export function within(report: ConvertReport, prefix: string): ConvertReport {
  return {
    problem: (field, message) => report.problem(join(prefix, field), message),
    ignore: (field) => report.ignore(join(prefix, field)),
    note: (field, message) => report.note(join(prefix, field), message),
  };
}

/** The same report, plus whether any problem went through it. */
export function tracking(report: ConvertReport): { report: ConvertReport; failed: () => boolean } {
  let failed = false;
  const problem = (field: string, message: string) => {
    failed = true;
    report.problem(field, message);
  };
  return { report: { ...report, problem }, failed: () => failed };
}

function join(prefix: string, field: string): string {
  return field === "" ? prefix : `${prefix}.${field}`;
}

/** A number of seconds (≥ 0) as a canopy duration such as `"1.5s"`. */
export function seconds(value: unknown, field: string, report: ConvertReport): string | undefined {
  if (typeof value === "number" && Number.isFinite(value) && value >= 0) return `${value}s`;
  report.problem(field, `expected a number of seconds, got ${describe(value)}`);
  return undefined;
}

/** Calls `ignore` for every key of `obj` not in `known`. */
export function ignoreOthers(obj: Record<string, unknown>, known: readonly string[], report: ConvertReport): void {
  for (const key of Object.keys(obj)) if (!known.includes(key)) report.ignore(key);
}
