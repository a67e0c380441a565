/** A parsed process-compose file → canopy's raw config shape, with the keys it skipped and the values it reread (pure). */
import { describe, isMapping } from "../config/checks.ts";
import { convertProcess, environment, PC_LOG_NOTE } from "./pc-process.ts";

/** Top-level keys read: `environment` is given to every process (its own wins); `log_location` is named in the warning. */
const PC_TOP_KEYS = ["processes", "environment", "log_location"];
import { type Conversion, newConversion, serviceReport } from "./convert-report.ts";

/** Converts process-compose's format: `processes:` and the top-level `environment`; other top-level keys are named as skipped. */
export function processComposeToRaw(raw: unknown): Conversion {
  const out = newConversion();
  if (!isMapping(raw)) {
    out.problems.push({ field: "", message: `expected a mapping with a processes key at the top of the file, got ${describe(raw)}` });
    return out;
  }
  for (const key of Object.keys(raw)) if (!PC_TOP_KEYS.includes(key)) out.ignored.push(key);
  if (raw.log_location !== undefined) out.notes.push(`log_location: ${PC_LOG_NOTE}`);
  const top = serviceReport(out, "", (field) => field);
  const sharedEnv = raw.environment === undefined ? {} : (environment(raw.environment, { ...top, problem: (field, message) => out.problems.push({ field, message }) }) ?? {});
  if (!isMapping(raw.processes)) {
    out.problems.push({ field: "processes", message: `expected a mapping of process name to settings, got ${describe(raw.processes)}` });
    return out;
  }
  const services = new Map<string, unknown>();
  for (const [name, value] of Object.entries(raw.processes)) {
    const converted = convertProcess(value, serviceReport(out, name, (field) => (field === "" ? `processes.${name}` : `processes.${name}.${field}`)), sharedEnv);
    if (converted !== undefined) services.set(name, converted);
  }
  out.raw.services = Object.fromEntries(services);
  return out;
}
