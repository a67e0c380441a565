/** Public surface of the config module: import from here. */
export type {
  CanopyConfig, ConfigFormat, ConfigProblem, ControlConfig, Dependency, DependencyCondition, LogsConfig, ProbeCheck, ProbeConfig, RunAs, ServiceConfig, SourceChoice,
} from "./types.ts";
export { CONFIG_FILE_NAMES, findConfigFile, type FindConfigOptions } from "./find.ts";
export { loadConfig, loadConfigFile, loadConfigFileWithWarnings, loadConfigWithWarnings, type LoadedConfig, type LoadOptions } from "./load.ts";
export { formatOf, parseConfigText } from "./parse.ts";
export { validateConfig, type ValidationResult } from "./schema.ts";
export { parseDuration } from "./duration.ts";
export { parseSize } from "./size.ts";
export { parseDotenv } from "./dotenv.ts";
export { parseSignal, STOP_SIGNALS } from "./signal.ts";
export { SERVICE_NAME_RE, isValidServiceName } from "./names.ts";
export { toSpawnRequest } from "./spawn-request.ts";
export { choiceArgs } from "./choice.ts";
export { DEFAULTS, LIMITS } from "./defaults.ts";
export { formatProblem } from "./format.ts";
export { dependentsOf, findCycle, startOrder, stopOrder } from "./dag.ts";
export { defaultReadyProbe } from "./probe-schema.ts";
export { isLoopbackHost, parseListen, type ListenAddress } from "./listen.ts";
export { belongsTo, expandService, expandServices, instanceNames, MAX_REPLICAS, parseReplicaName, replicaName, serviceOf } from "./replicas.ts";
