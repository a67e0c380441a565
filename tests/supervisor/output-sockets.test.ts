// Children's output through the supervisor's socket listener (src/supervisor/output-sockets.ts),
// with real processes: what they write arrives on the right feed, in order; the end waits for
// every process holding the stream; strangers are turned away; failure falls back to pipes.
import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Supervisor } from "../../src/supervisor.ts";
import { type OutputFeed, type OutputPorts, OutputSockets } from "../../src/supervisor/output-sockets.ts";
import { defaultSpawn } from "../../src/supervisor/spawn.ts";
import { waitFor } from "./helpers.ts";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "canopy-out-test-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A socket path no one can bind: its parent is a regular file. */
function unbindable(): string {
  const file = join(tempDir(), "a-file");
  writeFileSync(file, "");
  return join(file, "out.sock");
}

function hub(path?: string): OutputSockets {
  const h = new OutputSockets(path);
  cleanups.push(() => h.close());
  return h;
}

/** Everything a feed delivers, as text, and a promise of its end. */
function collect(feed: OutputFeed): { text: () => string; chunks: Uint8Array[]; ended: Promise<void> } {
  const chunks: Uint8Array[] = [];
  const ended = new Promise<void>((resolve) => feed.attach({ push: (c) => void chunks.push(c), flush: resolve }));
  return { text: () => Buffer.concat(chunks).toString(), chunks, ended };
}

/** Runs `script` with `ports` as its stdout and stderr, then closes the supervisor's copies. */
function spawnOn(ports: OutputPorts, script: string) {
  const proc = defaultSpawn({ short: "t", cmd: ["sh", "-c", script] }, { stdout: ports.fds[0], stderr: ports.fds[1] });
  ports.release();
  return proc;
}

async function openPorts(h: OutputSockets): Promise<OutputPorts> {
  const ports = await h.open();
  if (!ports) throw new Error("no output sockets");
  return ports;
}

describe("OutputSockets", () => {
  test("a child's stdout and stderr arrive on their own feeds, in order, and end when it exits", async () => {
    const ports = await openPorts(hub());
    const out = collect(ports.stdout);
    const err = collect(ports.stderr);
    const proc = spawnOn(ports, "echo out1; echo err1 >&2; echo out2; echo err2 >&2");
    expect(await proc.exited).toBe(0);
    await Promise.all([out.ended, err.ended]);
    expect(out.text()).toBe("out1\nout2\n");
    expect(err.text()).toBe("err1\nerr2\n");
  });

  test("the end waits for a grandchild that still holds the stream", async () => {
    const ports = await openPorts(hub());
    const out = collect(ports.stdout);
    const err = collect(ports.stderr);
    // The shell exits at once; its background child writes later through the inherited stdout.
    const proc = spawnOn(ports, "(sleep 0.3; echo late) & echo early");
    expect(await proc.exited).toBe(0);
    await out.ended;
    expect(out.text()).toBe("early\nlate\n");
    await err.ended;
  });

  test("a flood arrives whole, in fresh chunks that are never reused", async () => {
    const ports = await openPorts(hub());
    // A copy of each chunk as it arrives, compared with the chunk itself at the end: a reused buffer would differ.
    const kept: Uint8Array[] = [];
    const copies: string[] = [];
    const ended = new Promise<void>((resolve) =>
      ports.stdout.attach({
        push(c) {
          kept.push(c);
          copies.push(Buffer.from(c).toString());
        },
        flush: resolve,
      }),
    );
    collect(ports.stderr);
    expect(await spawnOn(ports, "seq 1 300000").exited).toBe(0);
    await ended;
    expect(kept.length).toBeGreaterThan(1);
    expect(kept.map((c) => Buffer.from(c).toString())).toEqual(copies);
    const lines = copies.join("").split("\n");
    expect(lines.length).toBe(300_001);
    expect(lines[299_999]).toBe("300000");
  }, 60_000);

  test("many spawns opening at once each get their own pair, past the listen backlog of 512", async () => {
    const h = hub();
    // 300 pairs: 600 connects at once. All in flight together they would overrun the listener's
    // backlog and be refused; 128 at a time, each gets through.
    const all = await Promise.all(Array.from({ length: 300 }, () => h.open()));
    const opened = all.filter((p): p is OutputPorts => p !== undefined);
    expect(opened).toHaveLength(300);
    expect(new Set(opened.flatMap((p) => p.fds)).size).toBe(600);
    // A few run a child; the rest are released unused. Every feed ends, each with its own output.
    const feeds = opened.map((p) => [collect(p.stdout), collect(p.stderr)] as const);
    const procs = opened.slice(0, 20).map((p, i) => spawnOn(p, `echo ${i}; echo e${i} >&2`));
    for (const p of opened.slice(20)) p.release();
    await Promise.all(procs.map((p) => p.exited));
    await Promise.all(feeds.flatMap(([o, e]) => [o.ended, e.ended]));
    feeds.forEach(([o, e], i) => {
      expect(o.text()).toBe(i < 20 ? `${i}\n` : "");
      expect(e.text()).toBe(i < 20 ? `e${i}\n` : "");
    });
  }, 60_000);

  test("released without a spawn, both feeds end empty", async () => {
    const ports = await openPorts(hub());
    const out = collect(ports.stdout);
    const err = collect(ports.stderr);
    ports.release();
    await Promise.all([out.ended, err.ended]);
    expect(out.text() + err.text()).toBe("");
  });

  test("the socket is owner-only, a connection without a known token is closed unheard, and close() removes it", async () => {
    const path = join(tempDir(), "out.sock");
    const h = hub(path);
    const ports = await openPorts(h);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const out = collect(ports.stdout);
    collect(ports.stderr);

    let strangerClosed = false;
    const stranger = await Bun.connect({
      unix: path,
      socket: {
        data() {},
        close() {
          strangerClosed = true;
        },
      },
    });
    stranger.write("not-a-token\ninjected line\n");
    await waitFor(() => strangerClosed, "the listener to close the stranger's connection");

    expect(await spawnOn(ports, "echo mine").exited).toBe(0);
    await out.ended;
    expect(out.text()).toBe("mine\n");
    h.close();
    expect(existsSync(path)).toBe(false);
  });

  test("a hub that cannot listen gives no ports", async () => {
    const h = hub(unbindable());
    expect(await h.open()).toBeUndefined();
    expect(await h.open()).toBeUndefined();
  });

  test("when its socket file is deleted, the next spawn listens afresh, and streams opened before carry on", async () => {
    const dir = tempDir();
    const path = join(dir, "run", "out.sock");
    const h = hub(path);
    const before = await openPorts(h);
    const early = collect(before.stdout);
    collect(before.stderr);
    // A child that writes once now and once after its stdout's socket file is gone.
    const gate = join(dir, "go");
    const proc = spawnOn(before, `echo first; while [ ! -e '${gate}' ]; do sleep 0.05; done; echo second`);
    await waitFor(() => early.text() === "first\n", "the first line");
    rmSync(join(dir, "run"), { recursive: true, force: true });

    const after = await openPorts(h);
    expect(statSync(path).isSocket()).toBe(true);
    const late = collect(after.stdout);
    collect(after.stderr);
    expect(await spawnOn(after, "echo through-the-new-listener").exited).toBe(0);
    await late.ended;
    expect(late.text()).toBe("through-the-new-listener\n");

    writeFileSync(gate, "");
    expect(await proc.exited).toBe(0);
    await early.ended;
    expect(early.text()).toBe("first\nsecond\n");
  }, 30_000);
});

describe("the Supervisor's output sockets", () => {
  async function echoOnce(outputSocket: string | null) {
    const lines: string[] = [];
    const sup = new Supervisor({ outputSocket, output: (l) => lines.push(l) });
    cleanups.push(() => sup.stopAll());
    await sup.start({ short: "echo", cmd: ["sh", "-c", "echo to-out; echo to-err >&2"], restart: "never" });
    const written = () => lines.filter((l) => l.includes("to-")).toSorted();
    await waitFor(() => sup.get("echo")?.status === "completed" && written().length === 2, "both lines and the exit");
    expect(written()).toEqual(["[echo] to-err\n", "[echo] to-out\n"]);
  }

  test("children write to the listener when it is there", async () => {
    const path = join(tempDir(), "out.sock");
    await echoOnce(path);
    // Listening: the hub was used, not the pipes.
    expect(statSync(path).isSocket()).toBe(true);
  });

  test("without a listener (a path it cannot bind, or null) output still comes, through pipes", async () => {
    await echoOnce(unbindable());
    await echoOnce(null);
  });
});
