/** How the process-compose converters record what they find, and the small value conversions they share (pure). */
import { describe } from "../config/checks.ts";

/** Records findings at a field path relative to the thing being converted (e.g. `availability.restart`). */
export interface PcReport {
  /** A value canopy cannot use: an error. */
  problem(field: string, message: string): void;
  /** A key outside the supported subset: skipped, named in the warning. */
  ignore(field: string): void;
  /** A value read with a different meaning: named in the warning. */
  note(field: string, message: string): void;
}

/** The same report with `prefix.` put before every field. */
export function within(report: PcReport, prefix: string): PcReport {
  return {
    problem: (field, message) => report.problem(join(prefix, field), message),
    ignore: (field) => report.ignore(join(prefix, field)),
    note: (field, message) => report.note(join(prefix, field), message),
  };
}

/** The same report, plus whether any problem went through it. */
export function tracking(report: PcReport): { report: PcReport; failed: () => boolean } {
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
export function seconds(value: unknown, field: string, report: PcReport): string | undefined {
  if (typeof value === "number" && Number.isFinite(value) && value >= 0) return `${value}s`;
  report.problem(field, `expected a number of seconds, got ${describe(value)}`);
  return undefined;
}

/** Calls `ignore` for every key of `obj` not in `known`. */
export function ignoreOthers(obj: Record<string, unknown>, known: readonly string[], report: PcReport): void {
  for (const key of Object.keys(obj)) if (!known.includes(key)) report.ignore(key);
}
