/** `canopy convert FILE [-o OUT] [--force]`: a Procfile, process-compose file (or any config) → canopy.yaml. */
import { existsSync, realpathSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { configToYaml } from "../../compat/index.ts";
import { loadConfigFileWithWarnings } from "../../config/index.ts";
import { CanopyError } from "../../errors.ts";
import type { ParsedArgs } from "../args.ts";
import { type Io, printWarnings } from "../context.ts";

/**
 * Reads FILE (or -c FILE) as `up` would, prints what it skipped or read differently to stderr,
 * and writes the equivalent canopy.yaml: to OUT (default canopy.yaml beside FILE; an existing
 * file only with --force), or to stdout with `-o -`. Paths are written relative to OUT's folder.
 */
export async function convert(io: Io, args: ParsedArgs): Promise<number> {
  if (args.positionals.length > 1) throw new CanopyError("usage", "convert takes one FILE (see `canopy help convert`)");
  const input = args.positionals[0] ?? args.config;
  if (input === undefined) throw new CanopyError("usage", "name the file to convert: canopy convert FILE [-o OUT]");
  const path = resolve(io.cwd, input);
  const { config, warnings } = loadConfigFileWithWarnings(path, { display: input, env: io.env });
  printWarnings(io, warnings);

  const output = typeof args.flags.output === "string" ? args.flags.output : undefined;
  if (output === "-") {
    io.stdout(configToYaml(config));
    return 0;
  }
  const target = output === undefined ? join(config.dir, "canopy.yaml") : resolve(io.cwd, output);
  if (existsSync(target) && args.flags.force !== true) {
    throw new CanopyError("usage", `${target} already exists; pass --force to overwrite it, or -o another file (-o - for stdout)`);
  }
  if (existsSync(target) && realpathSync(target) === config.file) {
    throw new CanopyError("usage", `refusing to overwrite the file being converted (${target}); pass -o another file`);
  }
  const outDir = realDir(dirname(target));
  const text = configToYaml({ ...config, dir: outDir });
  try {
    writeFileSync(target, text);
  } catch (err) {
    throw new CanopyError("internal", `cannot write ${target}: ${(err as Error).message}`);
  }
  io.stderr(`canopy: wrote ${target} (${config.services.length} service${config.services.length === 1 ? "" : "s"}); try it with \`canopy -c ${target} up\`\n`);
  return 0;
}

function realDir(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    throw new CanopyError("usage", `cannot write into ${dir}: no such folder`);
  }
}
