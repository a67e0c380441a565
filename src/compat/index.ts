/** Public surface of the compat module: reading Procfiles and process-compose files, and writing canopy.yaml. */
export { isProcessComposeName, isProcfileName, looksLikeProcessCompose, type ForeignFormat } from "./detect.ts";
export { parseProcfile, procfileToRaw, type ProcfileEntry } from "./procfile.ts";
export { processComposeToRaw } from "./process-compose.ts";
export { conversionWarning, type Conversion } from "./convert-report.ts";
export { readConfigSource } from "./read-source.ts";
export { configToYaml } from "./to-yaml.ts";
