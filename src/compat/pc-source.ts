/** A parsed process-compose file as a ConfigSource: problems placed under `processes:`, skips and rereads in one warning. */
import { duplicateKeyProblems, makeLocator } from "../config/locate.ts";
import type { ConfigSource } from "../config/source.ts";
import { toProcessComposeProblem } from "./pc-fields.ts";
import { conversionComments, conversionWarning } from "./convert-report.ts";
import { processComposeToRaw } from "./process-compose.ts";

/** Converts `raw` (parsed from the YAML `text`); `display` names the file in the warning. */
export function processComposeSource(raw: unknown, text: string, display: string): ConfigSource {
  const conversion = processComposeToRaw(raw);
  const { raw: converted, problems, ignored, notes } = conversion;
  const warning = conversionWarning(display, "a process-compose file", ignored, notes);
  return {
    raw: converted,
    problems: [...problems, ...duplicateKeyProblems(text, "yaml", "processes")],
    warnings: warning === undefined ? [] : [warning],
    readAs: "a process-compose file",
    comments: conversionComments(conversion),
    locate: makeLocator(text, "yaml", "processes"),
    translate: toProcessComposeProblem,
  };
}
