/**
 * Children's stdout and stderr as unix sockets accepted by one listener, in place of a pipe
 * reader per stream.
 *
 * Why: Bun's reader of a "pipe" keeps a read pending on every stream, and each costs about
 * 6.7 KiB of memory while the child is quiet (two per service: 1.3 MiB at 100 services).
 * Sockets accepted by one `Bun.listen` share the event loop's receive buffer instead: about
 * 1.5 KiB per stream, measured the same way (100 `sleep` children, RSS after 1.5 s).
 * What the child gets is the same kind of file as before — Bun's "pipe" is a socketpair too.
 *
 * How: for each spawn the supervisor connects two client sockets to its listener, writes a
 * one-line token on each (so the accepted end knows which feed it belongs to), hands the
 * clients' descriptors to the child as fds 1 and 2, and closes its own copies. The accepted
 * end then reads what the child writes, and its end of stream comes when the last process
 * holding the other end has closed it — the child and anything it forked — as with a pipe.
 *
 * Anything that fails here (no listener, a refused connect) makes `open` return undefined,
 * and that spawn falls back to Bun's pipes: the sockets save memory, they are never needed.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Socket, SocketListener } from "bun";
import { removeIfPresent } from "../os/quiet-fs.ts";
import { randomHex } from "../os/random-hex.ts";

/** Where a feed's chunks go: `push` for each (a fresh buffer, which may be kept), `flush` once at the end. */
export interface OutputSink {
  push(chunk: Uint8Array): void;
  flush(): void;
}

/** A child's output stream as the listener delivers it. */
export interface OutputFeed {
  /** Sends every chunk to `sink`, then flushes it once the stream ends; chunks that came before attaching go first. */
  attach(sink: OutputSink): void;
}

/** The two streams opened for one spawn. */
export interface OutputPorts {
  /** Descriptors to give the child as its stdout and stderr. */
  readonly fds: readonly [stdout: number, stderr: number];
  readonly stdout: OutputFeed;
  readonly stderr: OutputFeed;
  /** Closes the supervisor's copies of the child's ends: once the child has them, or if it never will. */
  release(): void;
}

/** The first line a client writes: its token. Longer than this is not one of ours. */
const MAX_HEADER_BYTES = 64;
/** Connects in flight at once: a fleet start must not overrun the listen backlog (512). 500 services start in 430-450 ms with 128, 460-480 with 32. */
const MAX_CONNECTING = 128;
const NEWLINE = 0x0a;

/** One stream's chunks, held until someone attaches. */
class Feed implements OutputFeed {
  private held?: Uint8Array[];
  private ended = false;
  private sink?: OutputSink;

  attach(sink: OutputSink): void {
    for (const chunk of this.held ?? []) sink.push(chunk);
    this.held = undefined;
    if (this.ended) sink.flush();
    else this.sink = sink;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0 || this.ended) return;
    if (this.sink) this.sink.push(chunk);
    else (this.held ??= []).push(chunk);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    const sink = this.sink;
    this.sink = undefined;
    sink?.flush();
  }
}

/**
 * What the listener keeps on an accepted socket: nothing yet, the start of its token line, or
 * (once the token has come) its feed. One field, no object per socket.
 */
type Accepted = Feed | Uint8Array | undefined;

export class OutputSockets {
  private listener: SocketListener<Accepted> | undefined;
  private failed = false;
  private path: string | undefined;
  private ownDir: string | undefined;
  private readonly waiting = new Map<string, Feed>();
  private readonly tokenPrefix = randomHex(4);
  private tokens = 0;
  private connecting = 0;
  private readonly queue: (() => void)[] = [];

  /** `socketPath`: where to listen, in a private (0700) directory; without it, in a fresh one under the temp dir. */
  constructor(private readonly socketPath?: string) {}

  /**
   * Two connected streams for one spawn, or undefined when they cannot be had. A socket file
   * that has gone (its directory cleaned out from under the daemon) is listened on afresh, and
   * the connects tried once more; the streams accepted before carry on either way.
   */
  async open(): Promise<OutputPorts | undefined> {
    const path = this.listen();
    if (!path) return undefined;
    const ports = await this.pair(path);
    if (ports) return ports;
    if (!existsSync(path)) this.relisten();
    const again = this.listen();
    return again ? this.pair(again) : undefined;
  }

  private async pair(path: string): Promise<OutputPorts | undefined> {
    const [out, err] = await Promise.allSettled([this.connect(path), this.connect(path)]);
    if (out.status === "rejected" || err.status === "rejected") {
      for (const r of [out, err]) if (r.status === "fulfilled") this.drop(r.value);
      return undefined;
    }
    const [o, e] = [out.value, err.value];
    return {
      fds: [o.fd, e.fd],
      stdout: o.feed,
      stderr: e.feed,
      release: () => {
        o.socket.terminate();
        e.socket.terminate();
      },
    };
  }

  /** Stops listening and removes the socket (and the directory, when it made one). */
  close(): void {
    listening.delete(this);
    this.listener?.stop(true);
    this.listener = undefined;
    if (this.ownDir) rmSync(this.ownDir, { recursive: true, force: true });
    else if (this.path) rmSync(this.path, { force: true });
    this.path = undefined;
    this.ownDir = undefined;
  }

  /** The listener's path, listening on first use; undefined when it cannot listen. */
  private listen(): string | undefined {
    if (this.listener) return this.path;
    if (this.failed) return undefined; // could not listen: pipes from now on
    try {
      let path = this.socketPath;
      if (path === undefined) {
        this.ownDir = mkdtempSync(join(tmpdir(), "canopy-output-"));
        path = join(this.ownDir, "output.sock");
      } else mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      removeIfPresent(path);
      this.listener = Bun.listen<Accepted>({ unix: path, socket: this.handlers() });
      chmodSync(path, 0o600);
      this.listener.unref();
      this.path = path;
      listening.add(this);
      hookExit();
      return path;
    } catch {
      this.failed = true;
      this.close();
      return undefined;
    }
  }

  /** Stops listening on a socket whose file has gone, keeping the connections it accepted, so `listen` binds a fresh one. */
  private relisten(): void {
    this.listener?.stop(false);
    this.listener = undefined;
    if (this.ownDir) rmSync(this.ownDir, { recursive: true, force: true });
    this.ownDir = undefined;
  }

  private handlers() {
    const waiting = this.waiting;
    return {
      data(socket: Socket<Accepted>, chunk: Uint8Array) {
        const state = socket.data;
        if (state instanceof Feed) return state.push(chunk);
        // The token line, possibly split across reads; what follows it is the child's.
        const head = state ? Buffer.concat([state, chunk]) : chunk;
        const nl = head.indexOf(NEWLINE);
        if (nl === -1) {
          if (head.length > MAX_HEADER_BYTES) socket.terminate();
          else socket.data = head;
          return;
        }
        const token = Buffer.from(head.buffer, head.byteOffset, nl).toString("latin1");
        const feed = waiting.get(token);
        waiting.delete(token);
        if (!feed) return void socket.terminate();
        socket.data = feed;
        feed.push(head.subarray(nl + 1));
      },
      close(socket: Socket<Accepted>) {
        if (socket.data instanceof Feed) socket.data.end();
      },
      error(socket: Socket<Accepted>) {
        if (socket.data instanceof Feed) socket.data.end();
      },
    };
  }

  /** A client socket connected to the listener, its token written, and the feed its accepted end will fill. */
  private async connect(path: string): Promise<Opened> {
    await this.slot();
    try {
      const socket = await Bun.connect<undefined>({ unix: path, socket: CLIENT_HANDLERS });
      // Bun's socket has its descriptor as `fd` (its types leave it out).
      const fd = (socket as unknown as { fd?: unknown }).fd;
      if (typeof fd !== "number" || fd < 0) {
        socket.terminate();
        throw new Error("the output socket has no descriptor");
      }
      const token = `${this.tokenPrefix}-${++this.tokens}`;
      const feed = new Feed();
      this.waiting.set(token, feed);
      if (socket.write(`${token}\n`) !== token.length + 1) {
        this.waiting.delete(token);
        socket.terminate();
        throw new Error("could not write the output socket's token");
      }
      return { socket, fd, feed };
    } finally {
      this.connecting--;
      this.queue.shift()?.();
    }
  }

  private drop(opened: Opened): void {
    opened.socket.terminate();
    opened.feed.end();
  }

  /** Waits for one of the MAX_CONNECTING connect slots. */
  private slot(): Promise<void> {
    if (this.connecting < MAX_CONNECTING) {
      this.connecting++;
      return Promise.resolve();
    }
    return new Promise((resolve) =>
      this.queue.push(() => {
        this.connecting++;
        resolve();
      }),
    );
  }
}

/** A connected client socket, its descriptor, and the feed its accepted end fills. */
interface Opened {
  socket: Socket<undefined>;
  fd: number;
  feed: Feed;
}

/** The hubs listening now, whose sockets go when the process exits. */
const listening = new Set<OutputSockets>();

let exitHooked = false;

function hookExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  process.once("exit", () => {
    for (const hub of listening) hub.close();
  });
}

/** The client end never reads: the listener side only receives. */
const CLIENT_HANDLERS = { data() {} };
