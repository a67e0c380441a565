/** Syntax of one service's `depends_on:` (a list of names, or name → `{ condition }`); pure. */
import { checkEnum, checkUnknownKeys, describe, isMapping, type Report } from "./checks.ts";
import type { DependencyCondition } from "./types.ts";

/** The conditions `depends_on.<name>.condition` accepts. */
export const DEPENDENCY_CONDITIONS: readonly DependencyCondition[] = ["started", "healthy", "completed"];

/** One entry as written: `condition` is undefined when left out; `field` is where it was written (for messages). */
export interface DeclaredDependency {
  service: string;
  condition?: DependencyCondition;
  field: string;
}

/** Reads `raw` (the value of `depends_on`); reports malformed entries and returns the well-formed ones. */
export function parseDependsOn(raw: unknown, report: Report): DeclaredDependency[] {
  if (Array.isArray(raw)) return fromList(raw, report);
  if (isMapping(raw)) return fromMapping(raw, report);
  report("depends_on", `expected a list of service names or a mapping of name to { condition }, got ${describe(raw)}`);
  return [];
}

function fromList(items: unknown[], report: Report): DeclaredDependency[] {
  const out: DeclaredDependency[] = [];
  items.forEach((item: unknown, i) => {
    const field = `depends_on[${i}]`;
    if (typeof item !== "string" || item.trim() === "") {
      report(field, `expected a service name, got ${describe(item)}`);
      return;
    }
    const first = out.findIndex((d) => d.service === item);
    if (first >= 0) report(field, `"${item}" is listed twice (also at depends_on[${first}])`);
    else out.push({ service: item, field });
  });
  return out;
}

function fromMapping(entries: Record<string, unknown>, report: Report): DeclaredDependency[] {
  const out: DeclaredDependency[] = [];
  for (const [service, value] of Object.entries(entries)) {
    const field = `depends_on.${service}`;
    if (value === null || (isMapping(value) && value.condition === undefined)) {
      if (isMapping(value)) checkUnknownKeys(value, ["condition"], `${field}.`, report);
      out.push({ service, field });
      continue;
    }
    if (!isMapping(value)) {
      report(field, `expected { condition: ${DEPENDENCY_CONDITIONS.join(" | ")} }, got ${describe(value)}`);
      continue;
    }
    checkUnknownKeys(value, ["condition"], `${field}.`, report);
    const condition = checkEnum(value.condition, `${field}.condition`, DEPENDENCY_CONDITIONS, report);
    if (condition !== undefined) out.push({ service, condition, field });
  }
  return out;
}
