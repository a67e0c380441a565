/** A parsed process-compose file as a ConfigSource: problems placed under `processes:`, skips and rereads in one warning. */
import { duplicateKeyProblems, makeLocator } from "../config/locate.ts";
import type { ConfigSource } from "../config/source.ts";
import { toProcessComposeProblem } from "./pc-fields.ts";
import { processComposeToRaw } from "./process-compose.ts";

/** Converts `raw` (parsed from the YAML `text`); `display` names the file in the warning. */
export function processComposeSource(raw: unknown, text: string, display: string): ConfigSource {
  const { raw: converted, problems, ignored, notes } = processComposeToRaw(raw);
  const warning = processComposeWarning(display, ignored, notes);
  return {
    raw: converted,
    problems: [...problems, ...duplicateKeyProblems(text, "yaml", "processes")],
    warnings: warning === undefined ? [] : [warning],
    locate: makeLocator(text, "yaml", "processes"),
    translate: toProcessComposeProblem,
  };
}

/** The one warning for a process-compose file: every skipped key, then every value read differently; undefined when neither. */
export function processComposeWarning(display: string, ignored: string[], notes: string[]): string | undefined {
  const parts: string[] = [];
  if (ignored.length > 0) parts.push(`Ignored ${ignored.length} key${ignored.length === 1 ? "" : "s"} canopy does not support: ${ignored.join(", ")}.`);
  if (notes.length > 0) parts.push(`Read differently: ${notes.join("; ")}.`);
  return parts.length === 0 ? undefined : `${display}: read as a process-compose file. ${parts.join(" ")}`;
}
