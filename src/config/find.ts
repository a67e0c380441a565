/** Which config file to use: `-c FILE`, else $CANOPY_CONFIG, else the first canopy.{yaml,yml,toml,json} in cwd. */
import { realpathSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { CanopyError } from "../errors.ts";

/** File names looked for, in order, when no file is named. */
export const CONFIG_FILE_NAMES = ["canopy.yaml", "canopy.yml", "canopy.toml", "canopy.json"] as const;

/** Where to look: `explicit` comes from -c/--config; relative paths resolve against `cwd`. */
export interface FindConfigOptions {
  explicit?: string;
  env: Record<string, string | undefined>;
  cwd: string;
}

/** Returns the absolute real path of the config file to load, or throws CanopyError("invalid_config"). */
export function findConfigFile(opts: FindConfigOptions): string {
  if (opts.explicit !== undefined && opts.explicit !== "") return namedFile(opts.explicit, opts.cwd, "-c");
  const fromEnv = opts.env.CANOPY_CONFIG;
  if (fromEnv !== undefined && fromEnv !== "") {
    // A JavaScript config (PM2's ecosystem.config.js) is code: it runs only when named on the command line.
    if (/\.(c|m)?js$/i.test(fromEnv)) {
      throw new CanopyError("invalid_config", `CANOPY_CONFIG names ${fromEnv}, a JavaScript file; canopy runs one only when it is named with -c (it executes the file)`, { file: resolve(opts.cwd, fromEnv) });
    }
    return namedFile(fromEnv, opts.cwd, "CANOPY_CONFIG");
  }
  const found = searchDir(opts.cwd);
  if (found !== undefined) return found;
  throw new CanopyError(
    "invalid_config",
    `no config file found in ${opts.cwd} (looked for ${CONFIG_FILE_NAMES.join(", ")}); ` +
      "run `canopy init` to create one, or pass -c FILE",
    { file: null, cwd: opts.cwd, tried: [...CONFIG_FILE_NAMES] },
  );
}

/** A file named by -c or $CANOPY_CONFIG; a folder is searched like cwd. */
function namedFile(name: string, cwd: string, source: string): string {
  const path = resolve(cwd, name);
  const kind = kindOf(path);
  if (kind === "file") return realpathSync(path);
  if (kind === "dir") {
    const found = searchDir(path);
    if (found !== undefined) return found;
    throw new CanopyError(
      "invalid_config",
      `config folder ${name} (from ${source}) holds none of ${CONFIG_FILE_NAMES.join(", ")}`,
      { file: path, tried: CONFIG_FILE_NAMES.map((n) => join(path, n)) },
    );
  }
  throw new CanopyError("invalid_config", `config file ${name} (from ${source}) does not exist (looked at ${path})`, {
    file: path,
  });
}

function searchDir(dir: string): string | undefined {
  for (const name of CONFIG_FILE_NAMES) {
    const path = join(dir, name);
    if (kindOf(path) === "file") return realpathSync(path);
  }
  return undefined;
}

function kindOf(path: string): "file" | "dir" | "missing" {
  try {
    const stat = statSync(path);
    return stat.isDirectory() ? "dir" : "file";
  } catch {
    return "missing";
  }
}
