/** Real-world probes for end-to-end tests: free ports, listening ports, live pids, processes by marker, deadlines. */
import { readdirSync, readFileSync } from "node:fs";
import { connect } from "node:net";

/** A TCP port on 127.0.0.1 that was free a moment ago (the kernel picked it; the listener is closed again). */
export function freePort(): number {
  // Never the same port twice in one run: a test that asks for two ports must get two.
  for (let attempt = 0; attempt < 50; attempt++) {
    const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("") });
    const port = server.port;
    void server.stop(true);
    if (port === undefined) throw new Error("Bun.serve gave no port");
    if (issued.has(port)) continue;
    issued.add(port);
    return port;
  }
  throw new Error("no fresh port after 50 tries");
}

const issued = new Set<number>();

/** True when something accepts a TCP connection on 127.0.0.1:`port` (within `timeoutMs`). */
export function portAccepts(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: "127.0.0.1" });
    let settled = false;
    const done = (ok: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/** GET http://127.0.0.1:`port`/ and return the body, or undefined when nothing answers. */
export async function httpGet(port: number, timeoutMs = 2000): Promise<string | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(timeoutMs) });
    return await res.text();
  } catch {
    return undefined;
  }
}

/** Polls `cond` until it holds; throws naming `what` (and the last value seen) after `timeoutMs`. */
export async function waitFor<T>(
  cond: () => T | Promise<T>,
  what: string,
  timeoutMs = 20_000,
  intervalMs = 25,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await cond();
    if (last) return last as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${String(last)})`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** True while `pid` exists (kill(pid, 0) does not fail with ESRCH). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

/** Pids (other than this one) whose argv contains an argument that includes `marker`; zombies have no argv and never match. */
export function pidsWithMarker(marker: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    let raw: string;
    try {
      raw = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    } catch {
      continue;
    }
    if (raw.split("\0").some((arg) => arg.includes(marker))) found.push(pid);
  }
  return found;
}

/** SIGKILLs every process whose argv mentions `marker` and waits until they are gone; returns the pids it found. */
export async function killMarked(marker: string, timeoutMs = 10_000): Promise<number[]> {
  const pids = pidsWithMarker(marker);
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  const deadline = Date.now() + timeoutMs;
  while (pids.some(pidAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  return pids;
}

/** Reads a byte stream line by line; `next` rejects when no line arrives before its deadline. */
export class LineReader {
  private readonly lines: string[] = [];
  private buffered = "";
  private ended = false;
  private readonly finished: Promise<void>;

  constructor(stream: ReadableStream<Uint8Array>) {
    this.finished = this.pump(stream);
  }

  /** The next complete line (without "\n"). */
  async next(timeoutMs = 20_000): Promise<string> {
    await waitFor(() => this.lines.length > 0 || this.ended, "a line of output", timeoutMs, 10);
    const line = this.lines.shift();
    if (line === undefined) throw new Error("the stream ended before another line");
    return line;
  }

  /** Every line still unread once the stream has ended. */
  async rest(): Promise<string[]> {
    await this.finished;
    return this.lines.splice(0);
  }

  private async pump(stream: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    for await (const chunk of stream) {
      this.buffered += decoder.decode(chunk, { stream: true });
      const parts = this.buffered.split("\n");
      this.buffered = parts.pop() ?? "";
      this.lines.push(...parts);
    }
    if (this.buffered !== "") this.lines.push(this.buffered);
    this.ended = true;
  }
}
