/** Deterministic stand-ins for a child process and a spawner (the seed's `spawnFn` seam). */
import type { SpawnRequest, SupervisedProc } from "../../src/supervisor.ts";

/** A fake child the test drives: push output, close the streams, decide when and how it exits. */
export interface FakeProc extends SupervisedProc {
  resolveExit(code: number | null): void;
  emitStdout(chunk: string | Uint8Array): void;
  emitStderr(chunk: string | Uint8Array): void;
  closeStreams(): void;
  killed: boolean;
  killSignal?: NodeJS.Signals | number;
}

/** A readable byte stream the test pushes into. */
function makePushStream(): {
  stream: ReadableStream<Uint8Array>;
  push: (chunk: string | Uint8Array) => void;
  close: () => void;
} {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let closed = false;
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
  });
  const encoder = new TextEncoder();
  return {
    stream,
    push: (chunk) => controller.enqueue(typeof chunk === "string" ? encoder.encode(chunk) : chunk),
    close: () => {
      if (closed) return;
      closed = true;
      controller.close();
    },
  };
}

export function makeFakeProc(pid: number): FakeProc {
  let settleExit!: (code: number | null) => void;
  const exited = new Promise<number | null>((resolve) => {
    settleExit = resolve;
  });
  const out = makePushStream();
  const err = makePushStream();
  const proc: FakeProc = {
    pid,
    exited,
    stdout: out.stream,
    stderr: err.stream,
    killed: false,
    kill(signal) {
      proc.killed = true;
      proc.killSignal = signal;
    },
    resolveExit: (code) => settleExit(code),
    emitStdout: (chunk) => out.push(chunk),
    emitStderr: (chunk) => err.push(chunk),
    closeStreams: () => {
      out.close();
      err.close();
    },
  };
  return proc;
}

/** A spawner that hands out queued fakes in order and records each request; throws when empty. */
export function makeQueueSpawner(): {
  spawn: (req: SpawnRequest) => SupervisedProc;
  enqueue: (proc: FakeProc) => void;
  calls: SpawnRequest[];
} {
  const queue: FakeProc[] = [];
  const calls: SpawnRequest[] = [];
  return {
    calls,
    enqueue: (proc) => void queue.push(proc),
    spawn: (req) => {
      calls.push(req);
      const next = queue.shift();
      if (!next) throw new Error(`no fake process queued for ${req.short}`);
      return next;
    },
  };
}

/** Lets pending timers and microtasks run (the seed's own pacing helper). */
export function tick(ms = 10): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
