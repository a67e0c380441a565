/** Maps a problem's service/field to a line of the config text (YAML and TOML; JSON gets none). */
import { tomlKeyLines } from "./toml-keys.ts";
import type { ConfigFormat, ConfigProblem } from "./types.ts";
import { yamlKeyLines, type KeyLine } from "./yaml-keys.ts";

/** Finds the line for a problem: its exact key if present, else the nearest enclosing key found. */
export type LineLocator = (problem: Pick<ConfigProblem, "service" | "field">) => number | undefined;

/**
 * Indexes the key lines of `text` on first use (a valid config may never ask); each call is
 * then a few map lookups. Services sit under `root`.
 */
export function makeLocator(text: string, format: ConfigFormat, root = "services"): LineLocator {
  let lineOf: Map<string, number> | undefined;
  const index = () => {
    const map = new Map<string, number>();
    // The first of a key written twice, as a search from the top would find.
    for (const k of keyLines(text, format)) {
      const id = JSON.stringify(k.path);
      if (!map.has(id)) map.set(id, k.line);
    }
    return map;
  };
  return (problem) => {
    lineOf ??= index();
    const path = problemPath(problem, root);
    for (let len = path.length; len > 0; len--) {
      const line = lineOf.get(JSON.stringify(path.slice(0, len)));
      if (line !== undefined) return line;
    }
    return undefined;
  };
}

/** Problems for keys written twice in one YAML mapping (YAML parsers keep the last silently); services sit under `root`. */
export function duplicateKeyProblems(text: string, format: ConfigFormat, root = "services"): ConfigProblem[] {
  if (format !== "yaml") return [];
  return yamlKeyLines(text).flatMap((k): ConfigProblem[] => {
    if (k.duplicateOf === undefined) return [];
    const message = `written twice (first on line ${k.duplicateOf}); remove or rename one`;
    const [top, service, ...rest] = k.path;
    if (top === root && service !== undefined) {
      const what = rest.length === 0 ? `defined twice (first on line ${k.duplicateOf}); rename or remove one` : message;
      return [{ service, field: rest.join("."), message: what, line: k.line }];
    }
    return [{ field: k.path.join("."), message, line: k.line }];
  });
}

function keyLines(text: string, format: ConfigFormat): KeyLine[] {
  if (format === "yaml") return yamlKeyLines(text);
  if (format === "toml") return tomlKeyLines(text);
  return [];
}

/** `{ service: "api", field: "env.PORT" }` → `["services", "api", "env", "PORT"]`; `cmd[1]` → `cmd`. */
function problemPath(problem: Pick<ConfigProblem, "service" | "field">, root: string): string[] {
  const fieldParts = problem.field === "" ? [] : problem.field.split(".");
  const parts = fieldParts.map((p) => p.replace(/\[\d+\]$/, ""));
  return problem.service === undefined ? parts : [root, problem.service, ...parts];
}
