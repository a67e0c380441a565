/**
 * Canopy's version and the commit it was built from.
 * A compiled binary gets both from `bun build --define` (see build.ts); run from source, the
 * version comes from package.json and the commit from git, asked only when commit() or
 * versionString() is first called.
 */
import pkg from "../package.json";

declare const CANOPY_VERSION: string | undefined;
declare const CANOPY_COMMIT: string | undefined;

/** The release version, e.g. "0.1.0". */
export const VERSION: string = typeof CANOPY_VERSION !== "undefined" ? CANOPY_VERSION : pkg.version;

/** The short commit stamped in at build time; "dev" when running from source (see commit()). */
export const COMMIT: string = typeof CANOPY_COMMIT !== "undefined" ? CANOPY_COMMIT : "dev";

let resolved: string | undefined;

/** The commit: the build-time stamp, else the source checkout's short HEAD (asked once), else "dev". */
export function commit(): string {
  if (resolved === undefined) resolved = typeof CANOPY_COMMIT !== "undefined" ? CANOPY_COMMIT : (gitShortHead() ?? "dev");
  return resolved;
}

/** The line `canopy --version` prints, e.g. "canopy 0.1.0 (3f2a9c1)". */
export function versionString(): string {
  return `canopy ${VERSION} (${commit()})`;
}

/** HEAD of the checkout holding this file, or undefined outside one (or without git). */
function gitShortHead(): string | undefined {
  const root = `${import.meta.dir}/..`;
  try {
    const r = Bun.spawnSync(["git", "-C", root, "rev-parse", "--show-toplevel", "--short", "HEAD"], {
      stdin: "ignore",
      stdout: "pipe",
      stderr: "ignore",
    });
    if (!r.success) return undefined;
    const [top, hash] = r.stdout.toString().trim().split("\n");
    // Only our own checkout counts, not some repository that happens to enclose an install.
    if (top === undefined || hash === undefined || !sameDir(top, root)) return undefined;
    return /^[0-9a-f]{4,40}$/.test(hash) ? hash : undefined;
  } catch {
    return undefined;
  }
}

/** Whether two paths name the same directory (resolving symlinks). */
function sameDir(a: string, b: string): boolean {
  // Required here: only a run from source gets this far, and node:fs would cost every `canopy --version` ~4 ms.
  const { realpathSync } = require("node:fs") as typeof import("node:fs");
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}
