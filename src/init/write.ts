/** Writes canopy.yaml only once it loads: into a temp file beside it, validated, then moved into place. */
import { existsSync, linkSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfigFile } from "../config/index.ts";
import { CONFIG_FILE_NAMES } from "../config/find.ts";
import { CanopyError } from "../errors.ts";

/** The config files already in `dir` that `canopy init` would shadow or replace. */
export function existingConfigs(dir: string): string[] {
  return CONFIG_FILE_NAMES.filter((name) => existsSync(join(dir, name)));
}

/** Validates `text` by loading it as `dir`'s config, then writes `dir/canopy.yaml`; without `force` it never replaces a file. */
export function writeConfig(dir: string, text: string, force: boolean): string {
  const target = join(dir, "canopy.yaml");
  const tmp = join(dir, `.canopy-init-${process.pid}.yaml`);
  writeFileSync(tmp, text, { mode: 0o644 });
  try {
    loadConfigFile(tmp, { display: "canopy.yaml" });
    if (force) renameSync(tmp, target);
    else linkSync(tmp, target); // fails with EEXIST instead of replacing a file that appeared meanwhile
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") throw refuseOverwrite([target]);
    throw err;
  } finally {
    rmSync(tmp, { force: true });
  }
  return target;
}

/** The error for config files that are already there. */
export function refuseOverwrite(files: string[]): CanopyError {
  return new CanopyError("usage", `${files.join(", ")} already exists; pass --force to replace it with a new canopy.yaml`);
}
