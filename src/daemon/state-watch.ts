/**
 * Keeps a running daemon's state directory in place.
 *
 * Chosen behaviour when the state directory (or part of it) is deleted while the daemon
 * runs — `rm -rf ~/.local/state`, a tmp cleaner, a careless script: the daemon keeps every
 * service running and puts its state back. A cheap periodic check (a handful of stat(2)
 * calls every `intervalMs`, 1 s by default) notices what is missing, then, in this order:
 *
 * 1. recreates the state directory (0700);
 * 2. re-publishes its lock, so a second `canopy up` cannot start a rival daemon for the
 *    same config. If a rival took the lock in the meantime (a `canopy up` within the
 *    interval, while no socket answered), this daemon logs it and steps down rather than
 *    run two daemons for one config: it stops its services, then asks the rival to start
 *    each of them (`handOver`: the rival's own start of them may have failed on ports
 *    ours still held), and exits without touching the rival's files;
 * 3. recreates `logs/` (0700) and reopens the log files (new files, mode 0600);
 * 4. rewrites state.json (every running group), so a later SIGKILL still finds them;
 * 5. recreates the socket's directory (0700) and binds a fresh control socket (0600).
 *
 * It logs one clear message saying what it restored, to its log and — when its own log file
 * was deleted with the directory — appended to a new `daemon.log`. Later messages of a
 * background daemon still go to its original, deleted, log file until it restarts: a
 * process cannot re-point its stderr. A write that fails in between (state.json, a log
 * file) calls `repair()` at once instead of waiting for the next check.
 *
 * The alternative — exit and let a service manager restart the daemon — would stop every
 * service, which is what Canopy exists to avoid.
 */
import { appendFileSync, fstatSync, lstatSync } from "node:fs";
import { dirname, join } from "node:path";
import type { DaemonPaths } from "./paths.ts";
import { ensurePrivateDir } from "./paths.ts";
import { readLockPid } from "./lock.ts";

/** How often the state directory is checked. */
export const STATE_WATCH_INTERVAL_MS = 1_000;

export interface StateWatchOptions {
  paths: DaemonPaths;
  intervalMs?: number;
  log: (message: string) => void;
  /** Takes the lock again; returns the rival's pid when another live daemon holds it now. */
  relock(): number | undefined;
  /** Another daemon took the config over: stop this one. */
  onLost(rivalPid: number): void;
  /** Forget open log files, so the next line opens a new file in the new `logs/`. */
  reopenLogs(): void;
  /** Write state.json again. */
  rewriteState(): void;
  /** Bind a new control socket at `paths.socketPath` (the old one's file is gone). */
  rebindSocket(): void;
}

export interface StateWatch {
  /** Checks now and restores whatever is missing; returns what was restored. Never throws. */
  repair(why?: string): string[];
  stop(): void;
}

/** Starts the periodic check; `stop()` ends it (the daemon does at shutdown). */
export function watchStateDir(opts: StateWatchOptions): StateWatch {
  const { paths, log } = opts;
  let stopped = false;
  let lost = false;

  const repair = (why?: string): string[] => {
    if (stopped || lost) return [];
    const restored: string[] = [];
    try {
      const missing = {
        dir: !exists(paths.stateDir),
        lock: readLockPid(paths.lockPath) !== process.pid,
        logs: !exists(paths.logDir),
        state: !exists(paths.stateFile),
        socket: !isSocket(paths.socketPath),
      };
      if (!Object.values(missing).some(Boolean)) return [];
      const ownLogGone = stderrUnlinked();
      ensurePrivateDir(paths.stateDir);
      if (missing.dir) restored.push(`the directory ${paths.stateDir} (0700)`);
      if (missing.lock) {
        const rival = opts.relock();
        if (rival !== undefined) {
          lost = true;
          log(`the state directory ${paths.stateDir} was deleted and another daemon (pid ${rival}) has since taken this config; shutting down`);
          opts.onLost(rival);
          return [];
        }
        restored.push("the lock");
      }
      if (missing.logs) {
        ensurePrivateDir(paths.logDir);
        opts.reopenLogs();
        restored.push("logs/");
      }
      if (missing.state) {
        opts.rewriteState();
        restored.push("state.json");
      }
      if (missing.socket) {
        ensurePrivateDir(dirname(paths.socketPath));
        opts.rebindSocket();
        restored.push(`the control socket ${paths.socketPath}`);
      }
      const message =
        `state ${missing.dir ? "directory was deleted" : "files were deleted"}${why ? ` (${why})` : ""}; ` +
        `services keep running; recreated ${restored.join(", ")}`;
      log(message);
      if (ownLogGone) appendNote(join(paths.stateDir, "daemon.log"), message);
    } catch (err) {
      // Someone else's directory in the way, a full disk…: say so, and try again next time.
      log(`the state directory ${paths.stateDir} is damaged and could not be restored yet: ${(err as Error).message}`);
    }
    return restored;
  };

  const timer = setInterval(() => void repair(), opts.intervalMs ?? STATE_WATCH_INTERVAL_MS);
  timer.unref();
  return {
    repair,
    stop: () => {
      stopped = true;
      clearInterval(timer);
    },
  };
}

/**
 * After a displaced daemon stopped its services: asks the daemon now holding the config to
 * start each of them (a start is idempotent there). Never throws.
 */
export async function handOver(socketPath: string, services: string[], log: (message: string) => void): Promise<void> {
  const started = await Promise.all(
    services.map(async (name) => {
      try {
        const res = await fetch(`http://canopy/v1/services/${encodeURIComponent(name)}/start`, {
          method: "POST",
          unix: socketPath,
          signal: AbortSignal.timeout(60_000),
        });
        await res.arrayBuffer();
        return res.ok;
      } catch {
        return false;
      }
    }),
  );
  const failed = services.filter((_, i) => !started[i]);
  log(`handed ${services.length} service(s) over to the daemon that took this config over${failed.length > 0 ? `; could not hand over ${failed.join(", ")}` : ""}`);
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function isSocket(path: string): boolean {
  try {
    return lstatSync(path).isSocket();
  } catch {
    return false;
  }
}

/** True when this process's stderr is a file that has been deleted (a background daemon's daemon.log). */
function stderrUnlinked(): boolean {
  try {
    const st = fstatSync(2);
    return st.isFile() && st.nlink === 0;
  } catch {
    return false;
  }
}

function appendNote(path: string, message: string): void {
  try {
    appendFileSync(path, `canopy: ${message}\n`, { mode: 0o600 });
  } catch {
    // the message already went to the daemon's own log
  }
}
