/** A CanopyConfig → the canopy.yaml text that loads back to the same services (pure). */
import { basename } from "node:path";
import { DEFAULTS } from "../config/defaults.ts";
import type { SourceComment } from "../config/source.ts";
import type { CanopyConfig } from "../config/types.ts";
import { formatPath, formatSize } from "./raw-values.ts";
import { serviceToRaw } from "./service-to-raw.ts";

/**
 * canopy.yaml text for `config`: a header naming its source, then non-default keys only; paths relative to
 * `config.dir`. `comments` (how a foreign file was read) go above their service, or under the header.
 */
export function configToYaml(config: CanopyConfig, comments: readonly SourceComment[] = []): string {
  const names = new Set(config.services.map((s) => s.name));
  const top = comments.filter((c) => c.service === undefined || !names.has(c.service)).map((c) => `# ${oneLine(c.text)}`);
  const chosen = [
    ...(config.choice?.port === undefined ? [] : [`-p ${config.choice.port}`]),
    ...(config.choice?.env === undefined ? [] : [`--env ${config.choice.env}`]),
  ];
  const header = `# canopy.yaml, written by canopy from ${basename(config.file)}${chosen.length === 0 ? "" : ` read with ${chosen.join(" ")}`}`;
  const parts = [header, ...top];
  // One block per service, so names such as "1" keep their place (object keys that look like integers sort first).
  if (config.services.length === 0) parts.push("services: {}");
  else {
    parts.push("services:");
    for (const svc of config.services) {
      for (const c of comments) if (c.service === svc.name) parts.push(`  # ${oneLine(c.text)}`);
      parts.push(indent(stringify({ [svc.name]: serviceToRaw(svc, config.services, config.dir) })));
    }
  }
  const logs: Record<string, unknown> = {};
  if (config.logs.maxSizeBytes !== DEFAULTS.logMaxSizeBytes) logs.max_size = formatSize(config.logs.maxSizeBytes);
  if (config.logs.maxFiles !== DEFAULTS.logMaxFiles) logs.max_files = config.logs.maxFiles;
  if (Object.keys(logs).length > 0) parts.push(stringify({ logs }));
  if (config.control !== undefined) parts.push(stringify({ control: controlToRaw(config.control, config.dir) }));
  return `${parts.join("\n")}\n`;
}

function controlToRaw(control: NonNullable<CanopyConfig["control"]>, dir: string): Record<string, unknown> {
  const { host, port } = control.listen;
  return {
    listen: host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`,
    token_file: formatPath(control.tokenFile, dir),
    ...(control.allowNonLoopback ? { allow_non_loopback: true } : {}),
  };
}

/** A comment stays one line whatever the text holds. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ");
}

function stringify(value: unknown): string {
  return Bun.YAML.stringify(value, null, 2).replace(/\n+$/, "");
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => (line === "" ? line : `  ${line}`))
    .join("\n");
}
