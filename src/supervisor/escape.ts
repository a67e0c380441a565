/**
 * Escape-proof stop: every spawn carries `CANOPY_MARK=<token>:<service>:<n>` in its
 * environment, which every descendant inherits. A process that leaves the service's
 * process group (`setsid`, a double-fork daemon, `nohup … &` under a new session) is out
 * of reach of `kill(-pgid)` but still carries the mark, so on stop — and after a crash or
 * restart — the processes of our uid holding that exact entry are found through /proc
 * and signalled too: the stop signal (and SIGCONT), SIGKILL at the deadline, then a wait
 * until none is left.
 *
 * Limits: a process that clears or replaces its environment (`env -i …`, an exec with a
 * fresh env, setproctitle-style rewriting of its environ memory) cannot be found this
 * way; nor can anything on a system without /proc (macOS), where only the group kill
 * applies. Between finding a pid and signalling it the process could exit and its pid be
 * reused; the gap is one syscall and pids are handed out in order, so that needs a full
 * pid wrap-around in between. Marks are only ever looked up on stop and crash paths:
 * each lookup reads the environment of every visible process.
 */
import { outsideGroup, scanEnvValues } from "../os/environ.ts";
import { randomHex } from "../os/random-hex.ts";

/** The environment variable that marks every process of one spawn. */
export const MARK_VAR = "CANOPY_MARK";

/** A fresh per-Supervisor token: 12 random hex digits, hard to guess or collide on. */
export function newMarkToken(): string {
  return randomHex(6);
}

/** The mark value of spawn number `n` of `service`. */
export function markOf(token: string, service: string, n: number): string {
  return `${token}:${service}:${n}`;
}

/** Live processes carrying `mark`, outside process group `outsideGroup` (the group signal reaches those). */
export type FindMarkedFn = (mark: string, outsideGroup?: number) => number[];
/** Sends `signal` to one pid (never a group). */
export type SignalPidFn = (pid: number, signal: NodeJS.Signals) => void;

/**
 * The real lookup (Linux /proc); finds nothing where there is no /proc. One scan serves
 * every lookup of the same synchronous run: `stopAll` signals N services in one go, and
 * reads /proc once for all of them, not N times. The next microtask scans afresh.
 */
export const defaultFindMarked: FindMarkedFn = (mark, pgid) => {
  const pids = markSnapshot().get(mark) ?? [];
  return pgid === undefined ? [...pids] : outsideGroup(pids, pgid);
};

let snapshot: Map<string, number[]> | undefined;
function markSnapshot(): Map<string, number[]> {
  if (snapshot === undefined) {
    snapshot = scanEnvValues(MARK_VAR);
    queueMicrotask(() => {
      snapshot = undefined;
    });
  }
  return snapshot;
}

let turn: (() => void)[] | undefined;

/**
 * Resolves in the check phase of this turn of the event loop, together with every other
 * call made in this turn, in one synchronous run. The supervisor waits on it before the
 * first sweep pass after an exit: the children of a mass stop die together but their exits
 * arrive one event each, and every pass scans /proc; batched, the passes of one turn share
 * one scan (markSnapshot), taken after all of their exits. Stopping 500 services read
 * /proc/<pid>/environ 158,000 times without it.
 */
export function afterThisTurn(): Promise<void> {
  return new Promise((resolve) => {
    if (turn === undefined) {
      const waiting: (() => void)[] = [];
      turn = waiting;
      setImmediate(() => {
        turn = undefined;
        for (const wake of waiting) wake();
      });
    }
    turn.push(resolve);
  });
}

export const defaultSignalPid: SignalPidFn = (pid, signal) => void process.kill(pid, signal);

/** Whether marks can be looked up here at all (Linux with /proc). */
export function marksSupported(): boolean {
  return process.platform === "linux";
}

/** Stop-type signals: sending SIGCONT right after one of those would undo it. */
const STOPPING = new Set<NodeJS.Signals>(["SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU"]);

/** True when SIGCONT should follow `signal` (so a stopped process gets to act on it). */
export function continueAfter(signal: NodeJS.Signals): boolean {
  return !STOPPING.has(signal);
}

export interface MarkedSweepOptions {
  /** The marked processes still running (already narrowed to those outside the group). */
  find: () => number[];
  signalPid: SignalPidFn;
  stopSignal: NodeJS.Signals;
  /** From the first pass, how long before SIGKILL replaces the stop signal. */
  timeoutMs: number;
  /** After SIGKILL, how long to keep waiting before giving up on survivors. */
  killWaitMs?: number;
  pollMs?: number;
  /** Told once, the first time escaped processes are found. */
  onFound?: (pids: number[]) => void;
  onEscalate?: (pids: number[]) => void;
  onError?: (message: string) => void;
  /** True once a signalled pid no longer runs; `finish` waits for that too (sockets close last). */
  isGone?: (pid: number) => boolean;
  /** The parent of `pid` (undefined when unknown): a child of a process already asked to stop is left to it. */
  parentOf?: (pid: number) => number | undefined;
}

/**
 * The escaped processes of one spawn, stopped: `pass()` signals what it finds (each pid
 * once with the stop signal and SIGCONT; every pass SIGKILLs once the deadline is past),
 * `finish()` passes until nothing is found. The deadline runs from the first pass and
 * uses real time: it bounds real waiting.
 *
 * The first pass signals every escaped process, as a group signal would. A process that
 * appears later as the child of one already signalled is part of that one's shutdown — the
 * `touch` or `rm` of a TERM trap — so, as systemd does for processes forked after its stop
 * signal, it gets no stop signal of its own: it is waited for, and SIGKILLed only at the deadline.
 */
export class MarkedSweep {
  /** Escaped pids found so far: signalled, or left to a parent found before them; `finish` waits for them all. */
  private readonly seen = new Set<number>();
  private killAt: number | undefined;
  private escalated = false;
  private told = false;

  constructor(private readonly opts: MarkedSweepOptions) {}

  /** One look and one round of signals; returns the pids found. */
  pass(): number[] {
    const now = Date.now();
    const first = this.killAt === undefined;
    this.killAt ??= now + this.opts.timeoutMs;
    const pids = this.opts.find();
    if (pids.length === 0) return pids;
    if (!this.told) {
      this.told = true;
      this.opts.onFound?.(pids);
    }
    if (!this.escalated && now >= this.killAt) {
      this.escalated = true;
      this.opts.onEscalate?.(pids);
    }
    for (const pid of pids) {
      if (this.escalated) {
        this.send(pid, "SIGKILL");
      } else if (!this.seen.has(pid)) {
        const leftToParent = !first && this.seen.has(this.opts.parentOf?.(pid) ?? Number.NaN);
        // Waited for either way (finish); a child left to its parent is not signalled now.
        this.seen.add(pid);
        if (leftToParent) continue;
        this.send(pid, this.opts.stopSignal);
        if (continueAfter(this.opts.stopSignal)) this.send(pid, "SIGCONT");
      }
    }
    return pids;
  }

  /** Passes until no marked process is left; resolves with the survivors ([] when all are gone). */
  async finish(): Promise<number[]> {
    const pollMs = this.opts.pollMs ?? 50;
    const killWaitMs = Math.max(1_000, this.opts.killWaitMs ?? this.opts.timeoutMs);
    for (;;) {
      const pids = this.pass();
      const dying = [...this.seen].filter((pid) => !(this.opts.isGone?.(pid) ?? true));
      if (pids.length === 0 && dying.length === 0) return [];
      if (this.escalated && Date.now() >= (this.killAt as number) + killWaitMs) return [...pids, ...dying];
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  private send(pid: number, signal: NodeJS.Signals): void {
    try {
      this.opts.signalPid(pid, signal);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ESRCH") return; // gone meanwhile
      this.opts.onError?.(`could not send ${signal} to escaped process ${pid}: ${(err as Error).message}`);
    }
  }
}
