/** Kills the service groups a crashed daemon left behind, but only those provably its own. */

import { listGroupMembers, pidGone, readProcStat, type ProcStat } from "../os/proc-info.ts";
import { defaultFindMarked, defaultSignalPid, MarkedSweep } from "../supervisor/escape.ts";
import { defaultGroupAlive } from "../supervisor/process-group.ts";
import { waitGroupGone } from "../supervisor/terminate.ts";
import type { DaemonStateFile, RecordedService } from "./state-file.ts";

/** Whether a recorded service's group should be reaped, and why (for the log). */
export type ReapDecision = { reap: boolean; reason: string };

/** The wait after SIGKILL is never shorter than this: the kernel needs a moment to tear processes down. */
const MIN_KILL_WAIT_MS = 1000;

/**
 * Pure decision for one record. `leader` is the current stat of `rec.pid`; `members` the live
 * processes now in group `rec.pgid`. Pid reuse is real, so a matching start time is required.
 */
export function decideReap(rec: RecordedService, leader: ProcStat | undefined, members: ProcStat[]): ReapDecision {
  if (!/^\d+$/.test(rec.startTime)) return { reap: false, reason: "record has no valid start time" };
  const leaderLive = leader !== undefined && leader.state !== "Z";
  if (leaderLive && leader.startTime === rec.startTime && leader.pgid === rec.pgid) {
    return { reap: true, reason: `leader ${rec.pid} still running` };
  }
  if (leaderLive && leader.startTime !== rec.startTime && rec.pid === rec.pgid) {
    // The kernel never hands out a pid still used as a process group id: the old group is gone.
    return { reap: false, reason: `pid ${rec.pid} now belongs to another process` };
  }
  const recorded = BigInt(rec.startTime);
  const ours = members.filter((m) => m.pgid === rec.pgid && m.state !== "Z" && BigInt(m.startTime) >= recorded);
  if (ours.length > 0) {
    return { reap: true, reason: `leader ${rec.pid} gone, ${ours.length} group member(s) left (${ours.map((m) => m.pid).join(", ")})` };
  }
  return { reap: false, reason: "nothing left running" };
}

/**
 * Reaps every recorded service group still (provably) running, and every process that
 * carries a record's mark outside its group (escaped by setsid or a double fork; the mark
 * is a random per-daemon token, so a process holding it is provably ours whatever its
 * pid). Resolves with the names reaped.
 */
export async function reapRecordedGroups(
  state: DaemonStateFile,
  opts: { killTimeoutMs: number; log: (msg: string) => void },
): Promise<string[]> {
  const jobs = Object.entries(state.services).map(async ([name, rec]): Promise<string | undefined> => {
    const members = listGroupMembers(rec.pgid).flatMap((pid) => readProcStat(pid) ?? []);
    const decision = decideReap(rec, readProcStat(rec.pid), members);
    const escaped = rec.mark === undefined ? undefined : escapedSweep(name, rec.mark, decision.reap ? rec.pgid : undefined, opts);
    // The escaped processes get their SIGTERM now, alongside the group's.
    const found = escaped?.pass() ?? [];
    if (!decision.reap && found.length === 0) return undefined;
    const group = decision.reap ? reapGroup(name, rec, decision, opts) : Promise.resolve();
    const survivors = escaped ? await escaped.finish() : [];
    await group;
    if (survivors.length > 0) opts.log(`${name}: escaped process(es) ${survivors.join(", ")} survived SIGKILL`);
    return name;
  });
  return (await Promise.all(jobs)).filter((n): n is string => n !== undefined);
}

async function reapGroup(
  name: string,
  rec: RecordedService,
  decision: ReapDecision,
  opts: { killTimeoutMs: number; log: (msg: string) => void },
): Promise<void> {
  opts.log(`reaping leftover ${name} (process group ${rec.pgid}): ${decision.reason}`);
  const gone = await killGroup(rec.pgid, opts.killTimeoutMs, (msg) => opts.log(`${name}: ${msg}`));
  if (!gone) opts.log(`${name}: process group ${rec.pgid} survived SIGKILL (${listGroupMembers(rec.pgid).join(", ")})`);
}

/** The sweep of the processes holding `mark`; outside `pgid` when the group is killed as a whole. */
function escapedSweep(
  name: string,
  mark: string,
  pgid: number | undefined,
  opts: { killTimeoutMs: number; log: (msg: string) => void },
): MarkedSweep {
  return new MarkedSweep({
    find: () => defaultFindMarked(mark, pgid),
    signalPid: defaultSignalPid,
    stopSignal: "SIGTERM",
    timeoutMs: opts.killTimeoutMs,
    killWaitMs: Math.max(opts.killTimeoutMs, MIN_KILL_WAIT_MS),
    onFound: (pids) => opts.log(`reaping leftover ${name}: ${pids.length} process(es) that left its group (${pids.join(", ")})`),
    onEscalate: (pids) => opts.log(`${name}: escaped process(es) ${pids.join(", ")} still running ${opts.killTimeoutMs} ms after SIGTERM; sending SIGKILL`),
    onError: (msg) => opts.log(`${name}: ${msg}`),
    isGone: pidGone,
  });
}

/** SIGTERM (and SIGCONT, for stopped members) the group, wait up to `killTimeoutMs`, then SIGKILL and wait again; true when it is empty. */
export async function killGroup(pgid: number, killTimeoutMs: number, log: (msg: string) => void = () => {}): Promise<boolean> {
  if (!signalGroup(pgid, "SIGTERM")) return true;
  signalGroup(pgid, "SIGCONT");
  if (await waitGroupGone(pgid, defaultGroupAlive, killTimeoutMs)) return true;
  log(`still running ${killTimeoutMs} ms after SIGTERM; sending SIGKILL`);
  if (!signalGroup(pgid, "SIGKILL")) return true;
  return waitGroupGone(pgid, defaultGroupAlive, Math.max(killTimeoutMs, MIN_KILL_WAIT_MS));
}


/** Sends `signal` to the whole group; false when the group no longer exists. */
function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ESRCH") return false;
    throw e;
  }
}
