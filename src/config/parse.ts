/** Config text → plain value, by format; syntax errors become CanopyError naming the file (and line when found). */
import { extname } from "node:path";
import { CanopyError } from "../errors.ts";
import type { ConfigFormat } from "./types.ts";

/** Longest file (in lines) for which the failing line of a syntax error is searched for. */
const MAX_LINES_TO_LOCATE = 5_000;

/** The format a config file is written in, by extension (.toml, .json; anything else is YAML). */
export function formatOf(path: string): ConfigFormat {
  const ext = extname(path).toLowerCase();
  if (ext === ".toml") return "toml";
  if (ext === ".json") return "json";
  return "yaml";
}

/**
 * Parses `text` as `format`; on a syntax error throws CanopyError("invalid_config", "DISPLAY:LINE: …", { file, line, problems }).
 * `display` is the name used in the message (default `file`).
 */
export function parseConfigText(text: string, format: ConfigFormat, file: string, display: string = file): unknown {
  const parse = PARSERS[format];
  try {
    return parse(text.replace(/^\uFEFF/, ""));
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    const line = format === "json" ? undefined : locateSyntaxError(text, parse);
    const where = line === undefined ? display : `${display}:${line}`;
    const message = `cannot parse ${format.toUpperCase()}: ${reason}`;
    const at = line === undefined ? {} : { line };
    throw new CanopyError("invalid_config", `${where}: ${message}`, { file, ...at, problems: [{ field: "", message, ...at }] });
  }
}

const PARSERS: Record<ConfigFormat, (text: string) => unknown> = {
  yaml: (text) => Bun.YAML.parse(text),
  toml: (text) => Bun.TOML.parse(text),
  json: (text) => JSON.parse(text),
};

/**
 * Bun's YAML/TOML errors carry no position in the document, so: the line after the longest prefix of whole
 * lines that still parses. Best effort, and right for the usual mistakes (bad indent, stray token, unclosed
 * bracket or quote). Useless for JSON, whose prefixes never parse.
 */
export function locateSyntaxError(text: string, parse: (text: string) => unknown): number | undefined {
  const lines = text.replace(/^\uFEFF/, "").split("\n");
  if (lines.length > MAX_LINES_TO_LOCATE) return undefined;
  for (let keep = lines.length - 1; keep >= 0; keep--) {
    try {
      parse(lines.slice(0, keep).join("\n"));
    } catch {
      continue;
    }
    return keep + 1;
  }
  return undefined;
}
