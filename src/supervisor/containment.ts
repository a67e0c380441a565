/**
 * Containment by cgroup: each spawn is forked inside its service's own cgroup (see
 * os/cgroup/placement.ts), and once the leader has exited everything still in that cgroup — whatever
 * group, session or environment it took on — is stopped: the stop signal (and SIGCONT), then at the
 * deadline SIGKILL to the whole cgroup, repeated until it is empty. Then the cgroup is removed.
 */
import { megabytes } from "../os/bytes.ts";
import type { CgroupLimits } from "../os/cgroup/files.ts";
import type { CgroupPlacement } from "../os/cgroup/placement.ts";
import { readProcStat } from "../os/proc-info.ts";
import { continueAfter } from "./escape.ts";

/** The Supervisor's seam: where a spawn goes, and how what it left is stopped. */
export interface Containment {
  /** Makes the service's cgroup with its limits; returns where its child is forked. Throws when it cannot. */
  prepare(service: string, limits: CgroupLimits): CgroupPlacement;
  /**
   * The stop signal (and SIGCONT) to the processes of the service's cgroup outside process group
   * `pgid` — the group signal reaches the rest — each at most once per spawn: a process that
   * treats a second SIGTERM as "force quit" must not get one from us. Returns the pids signalled.
   */
  signalStrays(service: string, pgid: number, signal: NodeJS.Signals): number[];
  /** Stops everything left in the service's cgroup and removes it; resolves once it is empty, with the kernel's reason when it killed the run (OOM). */
  drain(service: string, opts: DrainOptions): Promise<{ kernel?: string }>;
}

export interface DrainOptions {
  /** The leader's process group: its members got the stop signal from the group signal. */
  pgid: number;
  signal: NodeJS.Signals;
  /** How long what is left may take to exit before SIGKILL. */
  timeoutMs: number;
  notice: (message: string) => void;
}

/** What CgroupContainment needs of a subtree (CgroupSubtree; a fake in tests). */
export interface CgroupTree {
  create(service: string, limits: CgroupLimits): string;
  /** The daemon's own leaf's cgroup.procs. */
  readonly home: string;
  populated(service: string): boolean;
  pids(service: string): number[];
  kill(service: string): void;
  /** memory.events oom_kill; undefined without the memory controller. */
  oomKills(service: string): number | undefined;
  remove(service: string): boolean;
}

/** The OS seams: a pid's process group, and one signal to one pid. */
export interface ProcessSeams {
  pgidOf: (pid: number) => number | undefined;
  signalPid: (pid: number, signal: NodeJS.Signals) => void;
}

const REAL_SEAMS: ProcessSeams = {
  pgidOf: (pid) => readProcStat(pid)?.pgid,
  signalPid: (pid, signal) => {
    try {
      process.kill(pid, signal);
    } catch {
      // exited between the read and the signal
    }
  },
};

/** How often the cgroup is checked while it empties, and how long SIGKILL may take before giving up the wait. */
const POLL_MS = 20;
const KILL_WAIT_MS = 30_000;

export class CgroupContainment implements Containment {
  private readonly spawned = new Map<string, { oomKills: number; limits: CgroupLimits; signalled: Set<number> }>();

  constructor(
    private readonly tree: CgroupTree,
    private readonly os: ProcessSeams = REAL_SEAMS,
  ) {}

  prepare(service: string, limits: CgroupLimits): CgroupPlacement {
    const procs = this.tree.create(service, limits);
    this.spawned.set(service, { oomKills: this.tree.oomKills(service) ?? 0, limits, signalled: new Set() });
    return { procs, home: this.tree.home };
  }

  signalStrays(service: string, pgid: number, signal: NodeJS.Signals): number[] {
    const signalled = this.spawned.get(service)?.signalled ?? new Set<number>();
    const strays = this.tree.pids(service).filter((pid) => pid !== process.pid && !signalled.has(pid) && this.os.pgidOf(pid) !== pgid);
    for (const pid of strays) {
      signalled.add(pid);
      this.os.signalPid(pid, signal);
      if (continueAfter(signal)) this.os.signalPid(pid, "SIGCONT");
    }
    return strays;
  }

  async drain(service: string, opts: DrainOptions): Promise<{ kernel?: string }> {
    if (this.tree.populated(service)) {
      const pids = this.signalStrays(service, opts.pgid, opts.signal);
      if (pids.length > 0) opts.notice(`stopping ${pids.length} process(es) left in the service's cgroup (${pids.join(", ")})`);
      if (!(await this.waitEmpty(service, opts.timeoutMs))) {
        opts.notice(`processes still in the service's cgroup ${opts.timeoutMs}ms after ${opts.signal}; killing the cgroup`);
        if (!(await this.killUntilEmpty(service))) opts.notice(`the service's cgroup is still not empty ${KILL_WAIT_MS}ms after SIGKILL`);
      }
    }
    const kernel = this.oomOf(service);
    this.tree.remove(service);
    this.spawned.delete(service);
    return kernel === undefined ? {} : { kernel };
  }

  /** `out of memory (memory_max 256 MB)` when the kernel OOM-killed in the cgroup since the spawn. */
  private oomOf(service: string): string | undefined {
    const before = this.spawned.get(service);
    const now = this.tree.oomKills(service);
    if (before === undefined || now === undefined || now <= before.oomKills) return undefined;
    const limit = before.limits.memoryMaxBytes;
    return `out of memory${limit === undefined ? "" : ` (memory_max ${megabytes(limit)})`}`;
  }

  private async waitEmpty(service: string, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.tree.populated(service)) {
      if (Date.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    return true;
  }

  /** cgroup.kill again and again (a fork may land between two): a stop returns only on an empty cgroup. */
  private async killUntilEmpty(service: string): Promise<boolean> {
    const deadline = Date.now() + KILL_WAIT_MS;
    while (this.tree.populated(service)) {
      if (Date.now() >= deadline) return false;
      this.tree.kill(service);
      await this.waitEmpty(service, 200);
    }
    return true;
  }
}
