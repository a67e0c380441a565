/** Writing and removing a unit or plist on disk. */
import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, renameSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { CanopyError } from "../errors.ts";

/** How an install changed the file. */
export type WriteOutcome = "created" | "updated" | "unchanged";

/** Writes `text` to `path` atomically (temp file + rename, mode 0644), creating its folder. */
export function writeServiceFile(path: string, text: string): WriteOutcome {
  const before = readOrUndefined(path);
  if (before === text) return "unchanged";
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(tmp, text, { mode: 0o644 });
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw cannot("write", path, err);
  }
  return before === undefined ? "created" : "updated";
}

/** Removes the file and the `*.wants/` links systemd's `enable` made to it; false when there was no file. */
export function removeServiceFile(path: string): { removed: boolean; links: string[] } {
  const links = enableLinks(path);
  for (const link of links) unlinkOrThrow(link);
  if (!existsSync(path)) return { removed: false, links };
  unlinkOrThrow(path);
  return { removed: true, links };
}

/** Links in `<unit folder>/<target>.wants/` that point at `path`. */
function enableLinks(path: string): string[] {
  const dir = dirname(path);
  const found: string[] = [];
  for (const target of ["default.target.wants", "multi-user.target.wants"]) {
    const link = join(dir, target, basename(path));
    try {
      if (lstatSync(link).isSymbolicLink() && resolve(join(dir, target), readlinkSync(link)) === path) found.push(link);
    } catch {
      // no such link
    }
  }
  return found;
}

function unlinkOrThrow(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    throw cannot("remove", path, err);
  }
}

function cannot(what: string, path: string, err: unknown): CanopyError {
  const code = (err as NodeJS.ErrnoException).code;
  const hint = code === "EACCES" || code === "EPERM" ? " (permission denied: run it as root, or use --user)" : "";
  return new CanopyError("internal", `cannot ${what} ${path}: ${(err as Error).message}${hint}`, { path });
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}
