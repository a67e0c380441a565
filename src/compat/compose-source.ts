/** A parsed compose file as a ConfigSource: its services read into canopy's shape, skips and rereads in one warning (pure). */
import { describe, isMapping } from "../config/checks.ts";
import { duplicateKeyProblems, makeLocator } from "../config/locate.ts";
import type { ConfigSource } from "../config/source.ts";
import { convertComposeService } from "./compose-service.ts";
import { conversionComments, conversionWarning, newConversion, serviceReport } from "./convert-report.ts";

/** canopy's key → compose's, for problems found once converted. */
const FIELD_NAMES: Readonly<Record<string, string>> = {
  cmd: "command", env: "environment", port: "ports", ready: "healthcheck", stop_timeout: "stop_grace_period",
};

/** Converts `raw` (parsed from the YAML `text`); `display` names the file in the warning. */
export function composeSource(raw: unknown, text: string, display: string): ConfigSource {
  const conversion = newConversion();
  if (!isMapping(raw) || !isMapping(raw.services)) {
    conversion.problems.push({ field: "services", message: `expected a mapping of service name to settings, got ${describe(isMapping(raw) ? raw.services : raw)}` });
  } else {
    for (const key of Object.keys(raw)) if (key !== "services") conversion.ignored.push(key);
    for (const [name, value] of Object.entries(raw.services)) {
      const report = serviceReport(conversion, name, (field) => (field === "" ? `services.${name}` : `services.${name}.${field}`));
      const converted = convertComposeService(value, report);
      if (converted !== undefined) conversion.raw.services[name] = converted;
    }
  }
  const warning = conversionWarning(display, "a compose file", conversion.ignored, conversion.notes);
  return {
    raw: conversion.raw,
    problems: [...conversion.problems, ...duplicateKeyProblems(text, "yaml")],
    warnings: warning === undefined ? [] : [warning],
    readAs: "a compose file",
    comments: conversionComments(conversion),
    locate: makeLocator(text, "yaml"),
    translate: (p) => {
      const [head, ...rest] = p.field.split(".");
      const renamed = FIELD_NAMES[head ?? ""];
      return renamed === undefined ? p : { ...p, field: [renamed, ...rest].join(".") };
    },
  };
}
