/**
 * File calls that expect a missing file and do not raise for it. Bun's fs raises for a miss
 * even where it then swallows it (`rmSync(path, { force: true })`), and the first error a
 * process raises pages in the error and stack-trace code: measured, about 0.9 MiB of RSS in a
 * daemon that otherwise never raises one. A fresh daemon looks for files not there yet.
 */
import { existsSync, lstatSync, readFileSync, rmSync } from "node:fs";

/** The file's text; undefined when it is missing or unreadable. */
export function readTextIfExists(path: string): string | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/** Removes the file, socket or link at `path` if there is one (not a directory's contents). */
export function removeIfPresent(path: string): void {
  if (lstatSync(path, { throwIfNoEntry: false }) !== undefined) rmSync(path, { force: true });
}
