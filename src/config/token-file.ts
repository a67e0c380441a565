/** The on-disk check of `control.token_file`: exists, is a non-empty file, and only its owner can read it. */
import { readFileSync, statSync } from "node:fs";

/** Why `path` cannot serve as the control token file, or undefined when it can. */
export function tokenFileProblem(path: string): string | undefined {
  let mode: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) return `not a file: ${path}`;
    mode = stat.mode;
  } catch {
    return `file not found: ${path}; write a long random token to it and run chmod 600 ${path}`;
  }
  if ((mode & 0o077) !== 0) {
    return `${path} can be read by group or others (mode ${(mode & 0o777).toString(8).padStart(3, "0")}); run chmod 600 ${path}`;
  }
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    return `cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`;
  }
  return text.trim() === "" ? `${path} is empty; write a long random token to it` : undefined;
}
