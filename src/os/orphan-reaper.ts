/**
 * Reaping orphans when we run as PID 1 (a container's init, `unshare --pid --fork`).
 *
 * The kernel reparents every orphan of a PID namespace to its init, and only init's
 * wait() frees their zombies. Bun waits for the children it spawned itself and for
 * nothing else (checked with Bun 1.4: zombies of double-forked orphans pile up under a
 * Bun PID 1), so without this a service that daemonizes helpers leaks a zombie per helper.
 *
 * We must not steal an exit status Bun is waiting for: `waitpid(-1)` is out. Instead a
 * pass lists our zombie children through /proc and waits for each one by pid, but only
 * when it cannot be a child Bun spawned:
 * - Bun's children are either in our session (spawned without `detached`) or lead a
 *   session of their own (`detached: true` calls setsid). A zombie in another session
 *   that does not lead it was reparented to us: reaped at once.
 * - A zombie in our session is Bun's: never touched.
 * - A zombie leading its own session is ambiguous (a detached child of ours, or a
 *   daemon's orphaned middle child after setsid): reaped only when the caller does not
 *   claim it and it is still there, same start time, `SIGHTINGS` passes in a row — Bun
 *   waits for its own children from the event loop the reaper's timer runs on, long
 *   before that.
 * Only as PID 1, on a timer (there is no cheaper signal a non-reaping runtime gives us).
 */
import { bunFfi } from "./ffi.ts";
import { openLibc } from "./libc.ts";
import { listProcStats, readProcStat, type ProcStat } from "./proc-info.ts";

/** How often, as PID 1, zombies are looked for. */
export const ORPHAN_REAP_INTERVAL_MS = 500;
/** Passes in a row an ambiguous (session-leading) zombie must be seen in before it is reaped. */
export const SIGHTINGS = 3;

export interface OrphanChoiceInput {
  /** Every process (one /proc pass). */
  stats: ProcStat[];
  self: { pid: number; sid: number };
  /** True for a pid the caller spawned and Bun waits for. */
  isOwnChild: (pid: number) => boolean;
  /** Ambiguous zombies of earlier passes: pid → start time and how many passes in a row saw it. */
  seen: Map<number, { startTime: string; count: number }>;
}

/** Pure: which zombie children to wait for now, and the ambiguous ones to remember for the next pass. */
export function chooseOrphans(input: OrphanChoiceInput): {
  reap: number[];
  seen: Map<number, { startTime: string; count: number }>;
} {
  const reap: number[] = [];
  const seen = new Map<number, { startTime: string; count: number }>();
  for (const s of input.stats) {
    if (s.ppid !== input.self.pid || s.state !== "Z") continue;
    if (input.isOwnChild(s.pid)) continue;
    if (s.sid === input.self.sid) continue;
    if (s.sid !== s.pid) {
      reap.push(s.pid);
      continue;
    }
    const before = input.seen.get(s.pid);
    const count = before !== undefined && before.startTime === s.startTime ? before.count + 1 : 1;
    if (count >= SIGHTINGS) reap.push(s.pid);
    else seen.set(s.pid, { startTime: s.startTime, count });
  }
  return { reap, seen };
}

const WNOHANG = 1;
type WaitPid = (pid: number) => number;

/** waitpid(pid, NULL, WNOHANG) from libc; undefined when libc cannot be loaded. */
function loadWaitpid(): WaitPid | undefined {
  const { FFIType } = bunFfi();
  try {
    const libc = openLibc({ waitpid: { args: [FFIType.i32, FFIType.ptr, FFIType.i32], returns: FFIType.i32 } });
    return (pid) => libc.waitpid(pid, null, WNOHANG);
  } catch {
    return undefined;
  }
}

export interface OrphanReaper {
  /** One pass now; returns the pids it reaped. */
  reapNow(): number[];
  stop(): void;
}

/** Starts reaping on a timer (unref'd: it never keeps the process alive). Linux only. */
export function startOrphanReaper(opts: {
  isOwnChild: (pid: number) => boolean;
  intervalMs?: number;
  waitpid?: WaitPid;
}): OrphanReaper | undefined {
  const waitpid = opts.waitpid ?? loadWaitpid();
  if (waitpid === undefined) return undefined;
  let seen = new Map<number, { startTime: string; count: number }>();
  const reapNow = (): number[] => {
    const self = readProcStat(process.pid);
    if (self === undefined) return [];
    const choice = chooseOrphans({ stats: listProcStats(), self, isOwnChild: opts.isOwnChild, seen });
    seen = choice.seen;
    return choice.reap.filter((pid) => waitpid(pid) === pid);
  };
  const timer = setInterval(reapNow, opts.intervalMs ?? ORPHAN_REAP_INTERVAL_MS);
  timer.unref();
  return { reapNow, stop: () => clearInterval(timer) };
}

let shared: { reaper: OrphanReaper | undefined; claims: Set<(pid: number) => boolean> } | undefined;

/**
 * When this process is PID 1 on Linux, makes sure one reaper runs, and adds `isOwnChild`
 * to the children it must leave to Bun. Idempotent; a no-op anywhere else. Returns
 * whether a reaper runs.
 */
export function reapOrphansIfInit(isOwnChild: (pid: number) => boolean): boolean {
  if (process.platform !== "linux" || process.pid !== 1) return false;
  if (shared === undefined) {
    const claims = new Set<(pid: number) => boolean>();
    const reaper = startOrphanReaper({ isOwnChild: (pid) => [...claims].some((claim) => claim(pid)) });
    shared = { reaper, claims };
  }
  shared.claims.add(isOwnChild);
  return shared.reaper !== undefined;
}
