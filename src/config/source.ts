/** A config file turned into canopy's raw shape, with how to place and phrase its problems (native files here; others in src/compat). */
import { duplicateKeyProblems, makeLocator, type LineLocator } from "./locate.ts";
import type { ConfigFormat, ConfigProblem } from "./types.ts";

/** A comment about how a foreign file was read: at `service` when it belongs to one. */
export interface SourceComment {
  service?: string;
  text: string;
}

/** What the loader needs from a file, whatever it was written in. */
export interface ConfigSource {
  /** The value handed to validateConfig: canopy's own shape. */
  raw: unknown;
  /** Problems found while reading, already in the file's own terms. */
  problems: ConfigProblem[];
  /** Things the reader skipped or changed; shown, never fatal. */
  warnings: string[];
  /** The same, one per key, for `convert` to write as comments: above a service's settings, or at the top. */
  comments?: SourceComment[];
  /** What a foreign file was read as, in words ("a supervisord file"); absent for canopy's own. */
  readAs?: string;
  /** The line of a problem given in the file's own terms. */
  locate: LineLocator;
  /** A problem from validateConfig (canopy's key names) → the file's own terms. */
  translate: (problem: ConfigProblem) => ConfigProblem;
  /** `${NAME}` references are resolved (canopy's own formats only: other formats keep their own meaning of `$`). */
  interpolates?: boolean;
}

/** A canopy.yaml / .toml / .json already parsed to `raw` from `text`. */
export function nativeSource(raw: unknown, text: string, format: ConfigFormat): ConfigSource {
  return {
    raw,
    problems: duplicateKeyProblems(text, format),
    warnings: [],
    locate: makeLocator(text, format),
    translate: (problem) => problem,
    interpolates: true,
  };
}
