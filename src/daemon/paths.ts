/** Where one config's daemon keeps its state, lock, logs and control socket. */

import { chmodSync, lstatSync, mkdirSync, statSync, type Stats } from "node:fs";
import { homedir } from "node:os";
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import { CanopyError } from "../errors.ts";

/** Longest socket path we use: sun_path is 108 bytes on Linux and 104 on macOS, minus headroom. */
export const SOCKET_PATH_LIMIT = 100;

/** Every path one daemon owns, all derived from its config file's real path. */
export interface DaemonPaths {
  /** `<slug>-<12 hex>`, stable for one config path. */
  id: string;
  stateDir: string;
  socketPath: string;
  /** Where the supervisor makes its children's output pipes (FIFOs): in the state directory. */
  outputDir: string;
  lockPath: string;
  stateFile: string;
  logDir: string;
}

/** Inputs of `resolvePaths`; `configFile` must already be an absolute real path. */
export interface ResolvePathsOptions {
  configFile: string;
  env: Record<string, string | undefined>;
  /** Defaults to `process.getuid()`; only names the `/tmp` fallback socket directory. */
  uid?: number;
}

/** Computes a daemon's paths from its config path and environment; pure, touches no files. */
export function resolvePaths(opts: ResolvePathsOptions): DaemonPaths {
  const { env } = opts;
  const id = daemonId(opts.configFile);
  const explicitStateDir = nonEmpty(env.CANOPY_STATE_DIR);
  const stateDir = explicitStateDir !== undefined
    ? resolve(explicitStateDir)
    : join(absoluteOr(env.XDG_STATE_HOME, join(env.HOME || homedir(), ".local", "state")), "canopy", id);
  const socketPath = chooseSocketPath(id, stateDir, explicitStateDir !== undefined, env, opts.uid);
  return {
    id,
    stateDir,
    socketPath,
    outputDir: join(stateDir, "output"),
    lockPath: join(stateDir, "daemon.lock"),
    stateFile: join(stateDir, "state.json"),
    logDir: join(stateDir, "logs"),
  };
}

/** `<slug of the config's folder>-<first 12 hex of sha256(config path)>`. */
export function daemonId(configFile: string): string {
  // Bun.SHA256, not CryptoHasher: the same digest, and ~128 KiB less of the executable paged in by a daemon.
  const hash = new Bun.SHA256().update(configFile).digest("hex").slice(0, 12);
  return `${folderSlug(configFile) || "canopy"}-${hash}`;
}

/** The config's folder name in lowercase letters, digits and `-` (at most 32), `""` when nothing is left. */
export function folderSlug(configFile: string): string {
  return basename(dirname(configFile))
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 32)
    .replace(/-+$/, "");
}

/** True when `path` fits a unix socket address with headroom. */
export function socketPathFits(path: string): boolean {
  return Buffer.byteLength(path) <= SOCKET_PATH_LIMIT;
}

function chooseSocketPath(
  id: string,
  stateDir: string,
  explicitStateDir: boolean,
  env: Record<string, string | undefined>,
  uid: number | undefined,
): string {
  const inState = join(stateDir, "canopy.sock");
  if (explicitStateDir && socketPathFits(inState)) return inState;
  const runtimeDir = absoluteOr(env.XDG_RUNTIME_DIR, undefined);
  if (runtimeDir !== undefined) {
    const inRuntime = join(runtimeDir, "canopy", `${id}.sock`);
    if (socketPathFits(inRuntime)) return inRuntime;
  }
  return join("/tmp", `canopy-${uid ?? process.getuid?.() ?? 0}`, `${id}.sock`);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

/** XDG base directories must be absolute; relative ones are ignored, as the spec says. */
function absoluteOr<T extends string | undefined>(value: string | undefined, fallback: T): string | T {
  return value !== undefined && isAbsolute(value) ? value : fallback;
}

/**
 * mkdir -p `path` private to us (0700). An existing directory must be ours and not
 * group/other-writable, else `unsafe_permissions`. `uid` defaults to `process.getuid()`.
 */
export function ensurePrivateDir(path: string, opts: { uid?: number } = {}): void {
  const uid = opts.uid ?? process.getuid?.();
  let firstCreated: string | undefined;
  try {
    firstCreated = mkdirSync(path, { recursive: true, mode: 0o700 });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== "EEXIST" && code !== "ENOTDIR") throw e;
    throw new CanopyError("unsafe_permissions", `${path} exists and is not a directory`, { path });
  }
  if (firstCreated !== undefined) {
    // Every directory from the first one created down to `path` is ours: undo any umask surprise.
    for (let dir = resolve(path); ; dir = dirname(dir)) {
      chmodSync(dir, 0o700);
      if (dir === resolve(firstCreated) || dir === dirname(dir)) break;
    }
    return;
  }
  checkPrivateDir(path, uid);
}

function checkPrivateDir(path: string, uid: number | undefined): void {
  const link = lstatSync(path);
  // A symlink someone else owns could be re-pointed at their directory later.
  if (link.isSymbolicLink()) checkOwner(path, link, uid, "symlink");
  const st = statSync(path);
  if (!st.isDirectory()) {
    throw new CanopyError("unsafe_permissions", `${path} exists and is not a directory`, { path });
  }
  checkOwner(path, st, uid, "directory");
  if ((st.mode & 0o022) !== 0) {
    throw new CanopyError(
      "unsafe_permissions",
      `${path} is writable by others; run chmod 700 ${path}`,
      { path, mode: (st.mode & 0o777).toString(8) },
    );
  }
}

function checkOwner(path: string, st: Stats, uid: number | undefined, what: string): void {
  if (uid === undefined || st.uid === uid) return;
  throw new CanopyError(
    "unsafe_permissions",
    `${path}: ${what} is owned by uid ${st.uid}, not by you (uid ${uid}); remove it or set CANOPY_STATE_DIR`,
    { path, owner: st.uid },
  );
}
