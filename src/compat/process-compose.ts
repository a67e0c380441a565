/** A parsed process-compose file → canopy's raw config shape, with the keys it skipped and the values it reread (pure). */
import { describe, isMapping } from "../config/checks.ts";
import { convertProcess } from "./pc-process.ts";
import { type Conversion, newConversion, serviceReport } from "./convert-report.ts";

/** Converts the common subset of process-compose's format: `processes:` only; every other top-level key is skipped. */
export function processComposeToRaw(raw: unknown): Conversion {
  const out = newConversion();
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
    const converted = convertProcess(value, serviceReport(out, name, (field) => (field === "" ? `processes.${name}` : `processes.${name}.${field}`)));
    if (converted !== undefined) services.set(name, converted);
  }
  out.raw.services = Object.fromEntries(services);
  return out;
}
