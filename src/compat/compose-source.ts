/** A parsed compose file as a ConfigSource: its services read into canopy's shape, skips and rereads in one warning (pure). */
import { describe, isMapping } from "../config/checks.ts";
import { duplicateKeyProblems, makeLocator } from "../config/locate.ts";
import type { ConfigSource } from "../config/source.ts";
import type { ConfigProblem } from "../config/types.ts";
import { convertComposeService } from "./compose-service.ts";
import type { PcReport } from "./pc-report.ts";

/** canopy's key → compose's, for problems found once converted. */
const FIELD_NAMES: Readonly<Record<string, string>> = {
  cmd: "command", env: "environment", port: "ports", ready: "healthcheck", stop_timeout: "stop_grace_period",
};

/** Converts `raw` (parsed from the YAML `text`); `display` names the file in the warning. */
export function composeSource(raw: unknown, text: string, display: string): ConfigSource {
  const problems: ConfigProblem[] = [];
  const ignored: string[] = [];
  const notes: string[] = [];
  const services = new Map<string, unknown>();
  if (!isMapping(raw) || !isMapping(raw.services)) {
    problems.push({ field: "services", message: `expected a mapping of service name to settings, got ${describe(isMapping(raw) ? raw.services : raw)}` });
  } else {
    for (const key of Object.keys(raw)) if (key !== "services") ignored.push(key);
    for (const [name, value] of Object.entries(raw.services)) {
      const path = (field: string) => (field === "" ? `services.${name}` : `services.${name}.${field}`);
      const report: PcReport = {
        problem: (field, message) => problems.push({ service: name, field, message }),
        ignore: (field) => ignored.push(path(field)),
        note: (field, message) => notes.push(`${path(field)}: ${message}`),
      };
      const converted = convertComposeService(value, report);
      if (converted !== undefined) services.set(name, converted);
    }
  }
  const parts: string[] = [];
  if (ignored.length > 0) parts.push(`Ignored ${ignored.length} key${ignored.length === 1 ? "" : "s"} canopy does not support: ${ignored.join(", ")}.`);
  if (notes.length > 0) parts.push(`Read differently: ${notes.join("; ")}.`);
  return {
    raw: { services: Object.fromEntries(services) },
    problems: [...problems, ...duplicateKeyProblems(text, "yaml")],
    warnings: parts.length === 0 ? [] : [`${display}: read as a compose file. ${parts.join(" ")}`],
    locate: makeLocator(text, "yaml"),
    translate: (p) => {
      const [head, ...rest] = p.field.split(".");
      const renamed = FIELD_NAMES[head ?? ""];
      return renamed === undefined ? p : { ...p, field: [renamed, ...rest].join(".") };
    },
  };
}
