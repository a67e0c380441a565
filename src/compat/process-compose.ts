/** A parsed process-compose file → canopy's raw config shape, with the keys it skipped and the values it reread (pure). */
import { describe, isMapping } from "../config/checks.ts";
import type { ConfigProblem } from "../config/types.ts";
import { convertProcess } from "./pc-process.ts";
import type { PcReport } from "./pc-report.ts";

/** What converting a process-compose file produced. Problem fields are process-compose's own (`availability.restart`). */
export interface PcConversion {
  raw: { services: Record<string, unknown> };
  problems: ConfigProblem[];
  /** Full paths of skipped keys, e.g. `version`, `processes.api.namespace`. */
  ignored: string[];
  /** `path: what was reread`, e.g. `processes.api.availability.restart: exit_on_failure read as on-failure…`. */
  notes: string[];
}

/** Converts the common subset of process-compose's format: `processes:` only; every other top-level key is skipped. */
export function processComposeToRaw(raw: unknown): PcConversion {
  const out: PcConversion = { raw: { services: {} }, problems: [], ignored: [], notes: [] };
  if (!isMapping(raw)) {
    out.problems.push({ field: "", message: `expected a mapping with a processes key at the top of the file, got ${describe(raw)}` });
    return out;
  }
  for (const key of Object.keys(raw)) if (key !== "processes") out.ignored.push(key);
  if (!isMapping(raw.processes)) {
    out.problems.push({ field: "processes", message: `expected a mapping of process name to settings, got ${describe(raw.processes)}` });
    return out;
  }
  const services = new Map<string, unknown>();
  for (const [name, value] of Object.entries(raw.processes)) {
    const converted = convertProcess(value, processReport(name, out));
    if (converted !== undefined) services.set(name, converted);
  }
  out.raw.services = Object.fromEntries(services);
  return out;
}

function processReport(name: string, out: PcConversion): PcReport {
  const path = (field: string) => (field === "" ? `processes.${name}` : `processes.${name}.${field}`);
  return {
    problem: (field, message) => out.problems.push({ service: name, field, message }),
    ignore: (field) => out.ignored.push(path(field)),
    note: (field, message) => out.notes.push(`${path(field)}: ${message}`),
  };
}
