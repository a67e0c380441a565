/**
 * Finding processes by an entry of their environment (Linux /proc/<pid>/environ).
 *
 * Every descendant inherits its parent's environment across fork and exec, whatever
 * process group or session it moves to, so an entry set at spawn time follows a
 * service's processes where `kill(-pgid)` cannot: `setsid`, double-fork daemons,
 * `nohup … &` under a new session.
 *
 * Limits, by construction:
 * - a process that replaces its environment (`env -i`, `execve` with a fresh env) or
 *   overwrites the memory /proc shows it from (setproctitle-style title rewriting) drops
 *   out of sight;
 * - /proc/<pid>/environ is the environment the process was exec'd with, not later
 *   `setenv`/`unsetenv` calls (those cannot hide an inherited entry, nor add one);
 * - zombies and kernel threads have no readable environment (zombies run no code and
 *   hold no port, so that is fine);
 * - without /proc (macOS) nothing is found: there only the process group can be signalled.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { readProcStat } from "./proc-info.ts";

/**
 * True if `environ` (the NUL-separated bytes of /proc/<pid>/environ) holds `entry`
 * (`NAME=value`) as one whole entry: not a prefix or suffix of another entry.
 */
export function environHasEntry(environ: Uint8Array, entry: string): boolean {
  const needle = Buffer.from(entry, "utf8");
  if (needle.length === 0) return false;
  const hay = Buffer.isBuffer(environ) ? environ : Buffer.from(environ.buffer, environ.byteOffset, environ.byteLength);
  for (let at = hay.indexOf(needle); at >= 0; at = hay.indexOf(needle, at + 1)) {
    const startsEntry = at === 0 || hay[at - 1] === 0;
    const end = at + needle.length;
    const endsEntry = end === hay.length || hay[end] === 0;
    if (startsEntry && endsEntry) return true;
  }
  return false;
}

export interface FindByEnvOptions {
  /** Leave out members of this process group (the caller signals the group as a whole). */
  outsideGroup?: number;
  /** Pids never returned; this process is always left out. */
  exclude?: Iterable<number>;
}

/**
 * Pids of the live processes whose environment holds exactly `entry` (`NAME=value`),
 * ascending; [] without /proc. One pass over /proc, reading every visible process's
 * environment: O(processes), so for stop and crash paths only, never on a hot path.
 *
 * Only processes whose environment the kernel lets us read are seen: our own uid's (and,
 * as root, everyone's — a root daemon's services may drop to another uid and stay ours).
 * Other uids are skipped without trying.
 */
export function findPidsWithEnvEntry(entry: string, opts: FindByEnvOptions = {}): number[] {
  const excluded = new Set<number>(opts.exclude ?? []);
  const found: number[] = [];
  forEachEnviron((pid, environ) => {
    if (!excluded.has(pid) && environHasEntry(environ, entry)) found.push(pid);
  });
  return opts.outsideGroup === undefined ? found : outsideGroup(found, opts.outsideGroup);
}

/**
 * Every value variable `name` has in the environments we can read, with the pids holding
 * it (ascending): one pass over /proc answers the lookups of many marks at once.
 */
export function scanEnvValues(name: string): Map<string, number[]> {
  const prefix = Buffer.from(`${name}=`, "utf8");
  const values = new Map<string, number[]>();
  forEachEnviron((pid, environ) => {
    for (let at = environ.indexOf(prefix); at >= 0; at = environ.indexOf(prefix, at + 1)) {
      if (at !== 0 && environ[at - 1] !== 0) continue;
      const start = at + prefix.length;
      const nul = environ.indexOf(0, start);
      const value = environ.toString("utf8", start, nul < 0 ? environ.length : nul);
      const pids = values.get(value);
      if (pids === undefined) values.set(value, [pid]);
      else if (!pids.includes(pid)) pids.push(pid);
    }
  });
  return values;
}

/** `pids` without the members of process group `pgid` and without zombies. */
export function outsideGroup(pids: readonly number[], pgid: number): number[] {
  return pids.filter((pid) => {
    const stat = readProcStat(pid);
    return stat !== undefined && stat.state !== "Z" && stat.pgid !== pgid;
  });
}

/** Calls `fn` with the environment of every process we may read (never this one), by ascending pid. */
function forEachEnviron(fn: (pid: number, environ: Buffer) => void): void {
  let names: string[];
  try {
    names = readdirSync("/proc");
  } catch {
    return;
  }
  const uid = typeof process.getuid === "function" ? process.getuid() : undefined;
  const pids = names.filter((n) => /^\d+$/.test(n)).map(Number).sort((a, b) => a - b);
  for (const pid of pids) {
    if (pid === process.pid) continue;
    if (uid !== undefined && uid !== 0 && ownerOf(pid) !== uid) continue;
    let environ: Buffer;
    try {
      environ = readFileSync(`/proc/${pid}/environ`);
    } catch {
      continue; // gone, a zombie (ESRCH), or not ours to read
    }
    fn(pid, environ);
  }
}

function ownerOf(pid: number): number | undefined {
  try {
    return statSync(`/proc/${pid}`).uid;
  } catch {
    return undefined;
  }
}
