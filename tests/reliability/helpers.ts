/** Shared pieces of the reliability suite: a seeded PRNG, /proc readers, and raw HTTP over the control socket. */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { DAEMON_VAR, readDaemonToken } from "../../src/daemon/daemon-token.ts";
import { findPidsWithEnvEntry } from "../../src/os/environ.ts";
import type { TempProject } from "../helpers/cli.ts";
import { waitFor } from "../helpers/net.ts";
import { pidRunning } from "../helpers/proc.ts";

/**
 * A seed for this run: $CANOPY_RELIABILITY_SEED when set (to replay a failure), else a fresh
 * one. Printed, so a failing run says how to reproduce it.
 */
export function pickSeed(what: string): number {
  const given = process.env.CANOPY_RELIABILITY_SEED;
  const seed = given !== undefined && /^\d+$/.test(given) ? Number(given) >>> 0 : (Math.random() * 2 ** 32) >>> 0;
  console.log(`[${what}] seed=${seed} (replay with CANOPY_RELIABILITY_SEED=${seed})`);
  return seed;
}

/** mulberry32: a small, fast, seeded PRNG. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("pick from an empty list");
    return items[Math.floor(this.next() * items.length)] as T;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** VmRSS of `pid` in bytes (undefined once it is gone). */
export function rssBytes(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Open file descriptors of `pid`. */
export function fdCount(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/**
 * `pid`'s fd count once it holds still: three equal reads 50 ms apart (at most `timeoutMs`).
 * A figure taken at one instant can include an fd open for a moment (a state.json write and
 * its fsync, a /proc read) or one about to close (a restarted child's pipes).
 */
export async function settledFdCount(pid: number, timeoutMs = 10_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = fdCount(pid);
  for (let same = 0; same < 2 && Date.now() < deadline; ) {
    await Bun.sleep(50);
    const now = fdCount(pid);
    same = now === last ? same + 1 : 0;
    last = now;
  }
  return last;
}

/** utime + stime of `pid`, in clock ticks. */
export function cpuTicks(pid: number): number {
  const text = readFileSync(`/proc/${pid}/stat`, "utf8");
  const rest = text.slice(text.lastIndexOf(")") + 2).split(" ");
  // rest[0] is field 3; utime and stime are fields 14 and 15.
  return Number(rest[11]) + Number(rest[12]);
}

/** Clock ticks per second (sysconf(_SC_CLK_TCK)); 100 on every Linux we run on. */
export function clockTicksPerSecond(): number {
  try {
    const out = Bun.spawnSync(["getconf", "CLK_TCK"]).stdout.toString().trim();
    return /^\d+$/.test(out) ? Number(out) : 100;
  } catch {
    return 100;
  }
}

/** Inodes of every TCP socket in LISTEN state (IPv4 and IPv6). */
export function tcpListenInodes(): Set<string> {
  const inodes = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = readFileSync(table, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[3] === "0A" && f[9] !== undefined && f[9] !== "0") inodes.add(f[9]);
    }
  }
  return inodes;
}

/** Socket inodes held open by `pid`. */
export function socketInodes(pid: number): Set<string> {
  const out = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      if (target.startsWith("socket:[")) out.add(target.slice(8, -1));
    } catch {
      // closed meanwhile
    }
  }
  return out;
}

/** TCP LISTEN sockets held by `pid`. */
export function tcpListenersOf(pid: number): string[] {
  const listening = tcpListenInodes();
  return [...socketInodes(pid)].filter((inode) => listening.has(inode));
}

/** Waits until `pid` no longer runs (a zombie waiting for init to reap it counts as gone). */
export async function waitGone(pid: number, what: string, timeoutMs = 20_000): Promise<void> {
  await waitFor(() => !pidRunning(pid), what, timeoutMs);
}

/**
 * Ends everything a test project started: `down`, SIGKILL to whatever mentions the project
 * folder (TempProject.cleanup), then SIGKILL to whatever still carries the last daemon's
 * CANOPY_DAEMON token — descendants such as a shell loop's `sleep`, which never had the
 * folder in their argv. Runs every step even when one fails.
 */
export async function cleanupProject(p: TempProject | undefined): Promise<void> {
  if (p === undefined) return;
  const token = readDaemonToken(join(p.stateDir, "daemon.token"));
  try {
    await p.cleanup();
  } finally {
    if (token !== undefined) {
      const entry = `${DAEMON_VAR}=${token}`;
      for (const pid of findPidsWithEnvEntry(entry)) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // gone meanwhile
        }
      }
      await waitFor(() => findPidsWithEnvEntry(entry).length === 0, "the project's last processes to be gone", 10_000);
    }
  }
}

/** One parsed HTTP/1.1 response. */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Parses the first response in `buf`; undefined while incomplete. `closed`: the peer has closed (body runs to the end). */
export function parseResponse(buf: Buffer, closed: boolean): { response: RawResponse; used: number } | undefined {
  const headEnd = buf.indexOf("\r\n\r\n");
  if (headEnd < 0) return undefined;
  const lines = buf.subarray(0, headEnd).toString("latin1").split("\r\n");
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? "");
  if (!m) throw new Error(`not an HTTP response: ${JSON.stringify((lines[0] ?? "").slice(0, 80))}`);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const start = headEnd + 4;
  const status = Number(m[1]);
  if (headers["content-length"] !== undefined) {
    const len = Number(headers["content-length"]);
    if (buf.length < start + len) return undefined;
    return { response: { status, headers, body: buf.subarray(start, start + len) }, used: start + len };
  }
  if ((headers["transfer-encoding"] ?? "").toLowerCase().includes("chunked")) {
    const parts: Buffer[] = [];
    let pos = start;
    for (;;) {
      const lineEnd = buf.indexOf("\r\n", pos);
      if (lineEnd < 0) return undefined;
      const size = Number.parseInt(buf.subarray(pos, lineEnd).toString("latin1"), 16);
      if (buf.length < lineEnd + 2 + size + 2) return undefined;
      if (size === 0) return { response: { status, headers, body: Buffer.concat(parts) }, used: lineEnd + 4 };
      parts.push(buf.subarray(lineEnd + 2, lineEnd + 2 + size));
      pos = lineEnd + 2 + size + 2;
    }
  }
  // No length: the body runs until the connection closes (Bun's own early rejections: no body at all).
  if (!closed) return undefined;
  return { response: { status, headers, body: buf.subarray(start) }, used: buf.length };
}

/**
 * Sends `request` (raw bytes) on a fresh connection to the unix socket and resolves with the
 * first response. `undefined` when the server closed without answering.
 */
export async function rawRequest(socketPath: string, request: Uint8Array | string, timeoutMs = 10_000): Promise<RawResponse | undefined> {
  const bytes = typeof request === "string" ? Buffer.from(request, "latin1") : request;
  return await new Promise<RawResponse | undefined>((resolve, reject) => {
    let buf = Buffer.alloc(0);
    let done = false;
    let offset = 0;
    const finish = (socket: { end(): void } | undefined, value: RawResponse | undefined, err?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket?.end();
      if (err) reject(err);
      else resolve(value);
    };
    const timer = setTimeout(() => finish(undefined, undefined, new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    const pump = (socket: { write(b: Uint8Array): number }) => {
      while (offset < bytes.length) {
        const n = socket.write(bytes.subarray(offset));
        if (n <= 0) return;
        offset += n;
      }
    };
    Bun.connect({
      unix: socketPath,
      socket: {
        open: (socket) => pump(socket),
        drain: (socket) => pump(socket),
        data: (socket, chunk) => {
          buf = Buffer.concat([buf, chunk]);
          try {
            const got = parseResponse(buf, false);
            if (got) finish(socket, got.response);
          } catch (err) {
            finish(socket, undefined, err as Error);
          }
        },
        close: () => {
          try {
            finish(undefined, parseResponse(buf, true)?.response);
          } catch (err) {
            finish(undefined, undefined, err as Error);
          }
        },
        error: (_socket, err) => finish(undefined, undefined, err),
      },
    }).catch((err) => finish(undefined, undefined, err as Error));
  });
}

/** A keep-alive HTTP/1.1 connection to the control socket: one request at a time. */
export class Connection {
  private buf = Buffer.alloc(0);
  private waiting: { resolve: (r: RawResponse) => void; reject: (e: Error) => void } | undefined;
  private closed = false;

  private constructor(private readonly socket: Bun.Socket<undefined>) {}

  static async open(socketPath: string): Promise<Connection> {
    let conn: Connection | undefined;
    const socket = await Bun.connect({
      unix: socketPath,
      socket: {
        data: (_s, chunk) => conn?.onData(chunk),
        close: () => conn?.onClose(),
        error: (_s, err) => conn?.onClose(err),
      },
    });
    conn = new Connection(socket);
    return conn;
  }

  /** Sends one request (no body) and resolves with its response. */
  request(method: string, path: string, timeoutMs = 30_000): Promise<RawResponse> {
    if (this.waiting) throw new Error("one request at a time");
    if (this.closed) return Promise.reject(new Error("connection closed"));
    return new Promise<RawResponse>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        reject(new Error(`${method} ${path}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting = {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      const head = `${method} ${path} HTTP/1.1\r\nHost: canopy\r\nContent-Length: 0\r\n\r\n`;
      if (this.socket.write(head) !== head.length) this.waiting.reject(new Error("short write of a small request"));
    });
  }

  close(): void {
    this.closed = true;
    this.socket.end();
  }

  private onData(chunk: Uint8Array): void {
    this.buf = Buffer.concat([this.buf, chunk]);
    const got = parseResponse(this.buf, false);
    if (!got || !this.waiting) return;
    this.buf = this.buf.subarray(got.used);
    const w = this.waiting;
    this.waiting = undefined;
    w.resolve(got.response);
  }

  private onClose(err?: Error): void {
    this.closed = true;
    const w = this.waiting;
    this.waiting = undefined;
    w?.reject(err ?? new Error("connection closed before the answer"));
  }
}

/** Runs `jobs` with at most `limit` in flight; resolves with their results in order. */
export async function pool<T>(limit: number, jobs: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await (jobs[i] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return results;
}
