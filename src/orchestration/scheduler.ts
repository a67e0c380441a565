/**
 * Runs `schedule:` services on their cron ticks instead of keeping them up. At each tick a wanted
 * service starts unless a run is still going (then the tick is skipped, and the skip reported);
 * its exit ends the run (its spawn request never restarts: see spawn-request.ts). @reboot runs
 * once, when the daemon starts. The clock is a seam: `scaledClock` makes a minute pass in
 * milliseconds for tests.
 */
import { type Cron, nextRun, parseCron } from "../config/cron.ts";
import type { ServiceConfig } from "../config/types.ts";
import type { SupervisorEvent } from "../supervisor/types.ts";

/** Time as schedules see it. */
export interface ScheduleClock {
  /** Epoch ms. */
  now(): number;
  /** Calls `fn` once `ms` of this clock's time have passed; returns a function that cancels it. */
  setTimer(fn: () => void, ms: number): () => void;
}

/** The real clock. */
export const realClock: ScheduleClock = {
  now: () => Date.now(),
  setTimer: (fn, ms) => {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
};

/** A clock that runs `scale` times faster than real time from now on (a test seam: 300 makes a minute last 200ms). */
export function scaledClock(scale: number): ScheduleClock {
  const origin = Date.now();
  return {
    now: () => origin + (Date.now() - origin) * scale,
    setTimer: (fn, ms) => realClock.setTimer(fn, ms / scale),
  };
}

/**
 * The clock the daemon's schedules run by: real, unless CANOPY_SCHEDULE_TIME_SCALE (a test seam, like
 * the Supervisor's `now`/`sleep`) makes it run that many times faster.
 */
export function clockFromEnv(env: Record<string, string | undefined>): ScheduleClock {
  const scale = Number(env.CANOPY_SCHEDULE_TIME_SCALE);
  return Number.isFinite(scale) && scale > 0 && scale !== 1 ? scaledClock(scale) : realClock;
}

export interface SchedulerDeps {
  clock: ScheduleClock;
  /** True while the user wants the service to run on its schedule (autostarted or started, not stopped). */
  isWanted: (name: string) => boolean;
  /** True while a run of the service is still going. */
  isRunning: (name: string) => boolean;
  /** Starts one run. */
  run: (name: string) => Promise<void>;
  /** A tick found the previous run still going: `detail` says which tick. */
  onSkip: (name: string, detail: string) => void;
}

/** What `status` shows of a schedule. */
export interface ScheduleView {
  expression: string;
  /** ISO; null when the service is not wanted (stopped) or the schedule never fires again (@reboot). */
  next_run_at: string | null;
  /** The last run this daemon started: when, and how it ended (exit_code and exit_signal null while it runs). */
  last_run: { started_at: string; ended_at: string | null; exit_code: number | null; exit_signal: string | null } | null;
  /** Ticks skipped because a run was still going. */
  skipped: number;
}

interface Job {
  cron: Cron;
  due?: number;
  cancel?: () => void;
  lastRun?: ScheduleView["last_run"];
  skipped: number;
}

/** The longest a single timer waits; a later tick is re-armed on the way (setTimeout holds 2^31-1 ms at most). */
const MAX_TIMER_MS = 2 ** 30;

export class Scheduler {
  private readonly jobs = new Map<string, Job>();

  constructor(private readonly deps: SchedulerDeps) {}

  /** Arms the schedules of `services` (a changed one afresh), and disarms those gone from it. Call at start and after a reload. */
  sync(services: readonly ServiceConfig[]): void {
    const keep = new Set<string>();
    for (const svc of services) {
      if (svc.schedule === undefined) continue;
      keep.add(svc.name);
      const job = this.jobs.get(svc.name);
      if (job?.cron.expression === svc.schedule) continue;
      const cron = parseCron(svc.schedule);
      if ("error" in cron) continue; // validated with the config: cannot happen
      job?.cancel?.();
      const fresh: Job = { cron, skipped: job?.skipped ?? 0, ...(job?.lastRun ? { lastRun: job.lastRun } : {}) };
      this.jobs.set(svc.name, fresh);
      this.arm(svc.name, fresh, this.deps.clock.now());
    }
    for (const [name, job] of this.jobs) {
      if (keep.has(name)) continue;
      job.cancel?.();
      this.jobs.delete(name);
    }
  }

  /** Runs the wanted @reboot services: once, as the daemon starts. */
  boot(): void {
    for (const [name, job] of this.jobs) if (job.cron.reboot && this.deps.isWanted(name)) this.tick(name, job, "@reboot");
  }

  /** Records the start and the end of each run. */
  onEvent(event: SupervisorEvent): void {
    const job = this.jobs.get(event.service);
    if (!job) return;
    if (event.type === "started") job.lastRun = { started_at: event.at, ended_at: null, exit_code: null, exit_signal: null };
    if (event.type === "exited" && job.lastRun) {
      job.lastRun = { ...job.lastRun, ended_at: event.at, exit_code: event.exitCode, exit_signal: event.signal ?? null };
    }
  }

  view(name: string): ScheduleView | undefined {
    const job = this.jobs.get(name);
    if (!job) return undefined;
    const next = job.due !== undefined && this.deps.isWanted(name) ? new Date(job.due).toISOString() : null;
    return { expression: job.cron.expression, next_run_at: next, last_run: job.lastRun ?? null, skipped: job.skipped };
  }

  /** Disarms every schedule (shutdown). */
  stop(): void {
    for (const job of this.jobs.values()) job.cancel?.();
    this.jobs.clear();
  }

  private arm(name: string, job: Job, after: number): void {
    const due = nextRun(job.cron, after);
    job.due = due;
    job.cancel = undefined;
    if (due === undefined) return;
    const wait = (): void => {
      const left = due - this.deps.clock.now();
      if (left > 0) {
        job.cancel = this.deps.clock.setTimer(wait, Math.min(left, MAX_TIMER_MS));
        return;
      }
      if (this.jobs.get(name) !== job) return;
      this.tick(name, job, new Date(due).toISOString());
      // From the tick, or from now when the daemon was asleep past it: missed ticks are not made up.
      this.arm(name, job, Math.max(due, this.deps.clock.now()));
    };
    wait();
  }

  private tick(name: string, job: Job, tick: string): void {
    if (!this.deps.isWanted(name)) return;
    if (this.deps.isRunning(name)) {
      job.skipped++;
      this.deps.onSkip(name, `the ${tick} run: the previous run${job.lastRun ? ` (started ${job.lastRun.started_at})` : ""} is still going`);
      return;
    }
    void this.deps.run(name);
  }
}
