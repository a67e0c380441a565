/** Stopping one child: signal its group, wait for it, escalate when it will not go. */
import { continueAfter } from "./escape.ts";
import type { KillFn } from "./types.ts";

export interface TerminateOptions {
  pid: number;
  /** Resolves when the leader has exited. */
  exited: Promise<unknown>;
  killFn: KillFn;
  signal: NodeJS.Signals;
  timeoutMs: number;
  /** Told when SIGKILL becomes necessary (a line for the service's output). */
  onEscalate: (message: string) => void;
  /** Told when a signal could not be sent (e.g. EPERM). */
  onError: (message: string) => void;
  /**
   * Sends SIGCONT to the group right after the stop signal, so a stopped member acts on
   * it instead of waiting for SIGKILL. A separate seam from `killFn`: fakes see no SIGCONT.
   */
  continueFn?: (pid: number) => void;
}

/**
 * Sends `signal` (and SIGCONT) to the group, waits up to `timeoutMs` for the leader to exit, then
 * sends SIGKILL and waits for the exit. Resolves after the leader has exited; returns
 * whether SIGKILL was needed. The deadline uses a real timer on purpose: it bounds real
 * time, and the injected `sleep` of tests may resolve at once.
 */
export async function terminateGroup(opts: TerminateOptions): Promise<boolean> {
  send(opts, opts.signal);
  if (opts.continueFn && continueAfter(opts.signal)) opts.continueFn(opts.pid);
  const exitedInTime = await raceTimeout(opts.exited, opts.timeoutMs);
  if (exitedInTime) return false;
  opts.onEscalate(`did not exit within ${opts.timeoutMs}ms of ${opts.signal}; escalating to SIGKILL`);
  send(opts, "SIGKILL");
  await opts.exited;
  return true;
}

/** Waits until `groupAlive` says the group is empty, or `timeoutMs` passes; true if it emptied. */
export async function waitGroupGone(
  pid: number,
  groupAlive: (pid: number) => boolean,
  timeoutMs: number,
  pollMs = 20,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (groupAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, pollMs));
  }
  return true;
}

function send(opts: TerminateOptions, signal: NodeJS.Signals): void {
  try {
    opts.killFn(opts.pid, signal);
  } catch (err) {
    opts.onError(`could not send ${signal} to group ${opts.pid}: ${(err as Error).message}`);
  }
}

/** True if `p` settles before `ms` passes. */
function raceTimeout(p: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    p.then(
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      () => {
        clearTimeout(timer);
        resolve(true);
      },
    );
  });
}
