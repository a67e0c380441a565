/** Reads any supported config file into a ConfigSource: a foreign format (src/compat: Procfile, process-compose, compose, PM2, supervisord) or canopy's own. */
import { formatOf, parseConfigText } from "../config/parse.ts";
import { nativeSource, type ConfigSource } from "../config/source.ts";
import { composeSource } from "./compose-source.ts";
import type { ConfigProblem, SourceChoice } from "../config/types.ts";
import { isComposeName, isEcosystemName, isJavaScriptName, isProcessComposeName, isProcfileName, isSupervisordName, looksLikePm2, looksLikeProcessCompose } from "./detect.ts";
import { processComposeSource } from "./pc-source.ts";
import { evaluateEcosystem, pm2Source } from "./pm2-source.ts";
import { procfileSource } from "./procfile-source.ts";
import { supervisordSource } from "./supervisord-source.ts";

/** What a reader may use besides the file: the command line's choice and the environment (a Procfile's base PORT). */
export interface ReadOptions {
  choice: SourceChoice;
  env: Record<string, string | undefined>;
}

/** `text` is the content of the absolute `file`; throws CanopyError("invalid_config") on a syntax error. */
export function readConfigSource(file: string, text: string, display: string, opts: ReadOptions = { choice: {}, env: {} }): ConfigSource {
  if (isProcfileName(file)) return refuseChoice(procfileSource(text, file, opts), opts.choice, ["port"]);
  if (isSupervisordName(file)) return refuseChoice(supervisordSource(text, file, display, opts), opts.choice, []);
  if (isJavaScriptName(file)) {
    const { value, problem } = evaluateEcosystem(file);
    return refuseChoice(pm2Source(value, display, opts.choice.env, problem), opts.choice, ["env"]);
  }
  const format = formatOf(file);
  const raw = parseConfigText(text, format, file, display);
  if (format !== "toml" && (isEcosystemName(file) || looksLikePm2(raw))) return refuseChoice(pm2Source(raw, display, opts.choice.env), opts.choice, ["env"]);
  if (format === "yaml" && (isProcessComposeName(file) || looksLikeProcessCompose(raw))) {
    return refuseChoice(processComposeSource(raw, text, display), opts.choice, []);
  }
  if (format === "yaml" && isComposeName(file)) return refuseChoice(composeSource(raw, text, display), opts.choice, []);
  return refuseChoice(nativeSource(raw, text, format), opts.choice, []);
}

const CHOICE_FLAGS: Record<keyof SourceChoice, string> = {
  port: "-p/--port sets a Procfile's base port (as `foreman start -p`)",
  env: "--env NAME selects a PM2 ecosystem file's env_NAME (as `pm2 start --env`)",
};

/** The source with a problem for each choice its format has no use for (given but meaningless is a mistake). */
function refuseChoice(source: ConfigSource, choice: SourceChoice, used: (keyof SourceChoice)[]): ConfigSource {
  const extra: ConfigProblem[] = [];
  for (const key of Object.keys(CHOICE_FLAGS) as (keyof SourceChoice)[]) {
    if (choice[key] !== undefined && !used.includes(key)) extra.push({ field: "", message: `${CHOICE_FLAGS[key]}; this file is not one` });
  }
  return extra.length === 0 ? source : { ...source, problems: [...source.problems, ...extra] };
}
