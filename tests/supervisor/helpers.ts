/** Helpers for the supervisor tests: condition waits, ports, fake seams the test drives. */
import { Socket } from "node:net";
import type { KillFn, SpawnRequest, SupervisedProc } from "../../src/supervisor.ts";
import { type FakeProc, makeFakeProc } from "../helpers/fake-proc.ts";

/** Polls `cond` until it holds; throws naming `what` once `timeoutMs` has passed. */
export async function waitFor(
  cond: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
  pollMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/**
 * Lets every queued microtask and already-due callback run. Used only to prove that
 * nothing *more* happens (a negative); positive outcomes are waited for with `waitFor`.
 */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}

/** A loopback port that was free a moment ago, never the same twice in a run. */
export { freePort } from "../helpers/net.ts";

/** Connect probe on 127.0.0.1: true if something accepts. */
export function portListening(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    let settled = false;
    const done = (v: boolean) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(v);
    };
    socket.setTimeout(timeoutMs);
    socket.once("connect", () => done(true));
    socket.once("timeout", () => done(false));
    socket.once("error", () => done(false));
    socket.connect(port, "127.0.0.1");
  });
}

/** True while `pid` runs (a zombie counts as gone). */
export { pidRunning as pidExists } from "../helpers/proc.ts";

/** A `sleep` seam whose promises the test resolves, one by one or all at once. */
export function makeManualSleep(): {
  sleep: (ms: number) => Promise<void>;
  pending: { ms: number; resolve: () => void }[];
  /** Resolves (and forgets) every pending sleep of `ms`, or all of them. */
  release: (ms?: number) => number;
} {
  const pending: { ms: number; resolve: () => void }[] = [];
  return {
    pending,
    sleep: (ms) => new Promise<void>((resolve) => void pending.push({ ms, resolve })),
    release: (ms) => {
      const due = pending.filter((p) => ms === undefined || p.ms === ms);
      for (const p of due) pending.splice(pending.indexOf(p), 1);
      for (const p of due) p.resolve();
      return due.length;
    },
  };
}

/**
 * A spawner that makes a fresh fake for every spawn and a `killFn` under which a fake
 * leaves on any signal (a well-behaved child), unless `stubborn` is set. Tracks how many
 * children are alive at once, per name: the invariant is "never more than one".
 */
export function makeFleet(opts: { stubborn?: boolean } = {}) {
  let nextPid = 5000;
  const procs: FakeProc[] = [];
  const requests: SpawnRequest[] = [];
  const kills: { pid: number; signal: NodeJS.Signals | number }[] = [];
  const names = new Map<number, string>();
  const alive = new Map<string, number>();
  const maxAlive = new Map<string, number>();
  const exited = new Set<number>();

  const exit = (proc: FakeProc, code: number | null) => {
    if (exited.has(proc.pid)) return;
    exited.add(proc.pid);
    const name = names.get(proc.pid) as string;
    alive.set(name, (alive.get(name) ?? 1) - 1);
    proc.closeStreams();
    proc.resolveExit(code);
  };

  const spawn = (req: SpawnRequest): SupervisedProc => {
    const proc = makeFakeProc(nextPid++);
    procs.push(proc);
    requests.push(req);
    names.set(proc.pid, req.short);
    const now = (alive.get(req.short) ?? 0) + 1;
    alive.set(req.short, now);
    maxAlive.set(req.short, Math.max(maxAlive.get(req.short) ?? 0, now));
    return proc;
  };

  const killFn: KillFn = (pid, signal) => {
    kills.push({ pid, signal });
    const proc = procs.find((p) => p.pid === Math.abs(pid));
    if (proc && !opts.stubborn) exit(proc, null);
  };

  return {
    spawn,
    killFn,
    procs,
    requests,
    kills,
    /** The child exits on its own (a crash, or a clean finish). */
    exit,
    alive: (name: string) => alive.get(name) ?? 0,
    maxAlive: (name: string) => maxAlive.get(name) ?? 0,
    last: () => procs.at(-1) as FakeProc,
  };
}
