/** `canopy config [--json]`: the config as canopy resolves it, with env values redacted. */
import { configToYaml } from "../../compat/index.ts";
import { type CanopyConfig, findConfigFile, loadConfigFileWithWarnings } from "../../config/index.ts";
import { CanopyError } from "../../errors.ts";
import type { ParsedArgs } from "../args.ts";
import { type Io, printWarnings } from "../context.ts";

/** What every env value is shown as: names are shown, values never (they hold secrets). */
export const REDACTED = "(redacted)";

/**
 * Loads the config as `up` would — with this shell's environment for `${NAME}` references — and
 * prints it: as canopy.yaml (variables resolved, env_file merged into env, defaults left out), or
 * with --json every setting, defaults included (durations in ms). A config that does not load
 * is refused like for `up` (exit 2, naming file, service and field).
 */
export async function config(io: Io, args: ParsedArgs): Promise<number> {
  if (args.positionals.length > 0) throw new CanopyError("usage", "config takes no arguments (see `canopy help config`)");
  const file = findConfigFile({ explicit: args.config, env: io.env, cwd: io.cwd });
  const { config: loaded, warnings } = loadConfigFileWithWarnings(file, { env: io.env });
  printWarnings(io, warnings);
  const redacted = redactEnv(loaded);
  if (args.flags.json === true) {
    io.stdout(`${JSON.stringify(redacted, null, 2)}\n`);
    return 0;
  }
  io.stdout(configToYaml(redacted).replace(/^#.*\n/, `# ${file}, as canopy resolves it (env values redacted)\n`));
  return 0;
}

/** A copy of `config` whose env values are all REDACTED. */
export function redactEnv(config: CanopyConfig): CanopyConfig {
  return {
    ...config,
    services: config.services.map((s) => ({ ...s, env: Object.fromEntries(Object.keys(s.env).map((k) => [k, REDACTED])) })),
  };
}
