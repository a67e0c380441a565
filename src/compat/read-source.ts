/** Reads any supported config file into a ConfigSource: a Procfile, a process-compose or compose file, or canopy's own. */
import { formatOf, parseConfigText } from "../config/parse.ts";
import { nativeSource, type ConfigSource } from "../config/source.ts";
import { composeSource } from "./compose-source.ts";
import { isComposeName, isProcessComposeName, isProcfileName, looksLikeProcessCompose } from "./detect.ts";
import { processComposeSource } from "./pc-source.ts";
import { procfileSource } from "./procfile-source.ts";

/** `text` is the content of the absolute `file`; throws CanopyError("invalid_config") on a syntax error. */
export function readConfigSource(file: string, text: string, display: string): ConfigSource {
  if (isProcfileName(file)) return procfileSource(text, file);
  const format = formatOf(file);
  const raw = parseConfigText(text, format, file, display);
  if (format === "yaml" && (isProcessComposeName(file) || looksLikeProcessCompose(raw))) return processComposeSource(raw, text, display);
  if (format === "yaml" && isComposeName(file)) return composeSource(raw, text, display);
  return nativeSource(raw, text, format);
}
