/** Reads what `canopy init` proposes services from: Procfile, package.json and lock files in a folder. */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type FolderContents, LOCKFILES } from "./propose.ts";

/** The folder's Procfile and package.json text (when present) and which lock files it has. */
export function scanFolder(dir: string): FolderContents {
  return {
    procfile: readOrUndefined(join(dir, "Procfile")),
    packageJson: readOrUndefined(join(dir, "package.json")),
    lockfiles: LOCKFILES.filter((name) => existsSync(join(dir, name))),
  };
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}
