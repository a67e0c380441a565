// Children's output through the supervisor's pipes (src/supervisor/output-fifos.ts), with real
// processes: what they write arrives on the right feed, in order; the end waits for every
// process holding the stream; /dev/stdout and /dev/stderr by name work; FIFOs are reused;
// failure falls back to Bun's pipes.
import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Supervisor } from "../../src/supervisor.ts";
import type { OutputFeed, OutputPorts } from "../../src/supervisor/output-feed.ts";
import { OutputFifos } from "../../src/supervisor/output-fifos.ts";
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

/** A directory no one can make: its parent is a regular file. */
function unmakeable(): string {
  const file = join(tempDir(), "a-file");
  writeFileSync(file, "");
  return join(file, "output");
}

function pool(dir?: string): OutputFifos {
  const p = new OutputFifos(dir);
  cleanups.push(() => p.close());
  return p;
}

/** Everything a feed delivers, as text, and a promise of its end. */
function collect(feed: OutputFeed): { text: () => string; chunks: Uint8Array[]; ended: Promise<void> } {
  const chunks: Uint8Array[] = [];
  const ended = new Promise<void>((resolve) => feed.attach({ push: (c) => void chunks.push(c), flush: resolve }));
  return { text: () => Buffer.concat(chunks).toString(), chunks, ended };
}

/** Runs `script` with `ports` as its stdout and stderr, then closes the supervisor's copies. */
function spawnOn(ports: OutputPorts, script: string, ids: { uid?: number; gid?: number } = {}) {
  const proc =
    ids.uid === undefined
      ? defaultSpawn({ short: "t", cmd: ["sh", "-c", script] }, { stdout: ports.fds[0], stderr: ports.fds[1] })
      : Bun.spawn(["sh", "-c", script], { stdio: ["ignore", ports.fds[0], ports.fds[1]], uid: ids.uid, gid: ids.gid, cwd: "/" });
  ports.release();
  return proc;
}

async function openPorts(p: OutputFifos): Promise<OutputPorts> {
  const ports = await p.open();
  if (!ports) throw new Error("no output pipes");
  return ports;
}

describe("OutputFifos", () => {
  test("a child's stdout and stderr arrive on their own feeds, in order, and end when it exits", async () => {
    const ports = await openPorts(pool());
    const out = collect(ports.stdout);
    const err = collect(ports.stderr);
    const proc = spawnOn(ports, "echo out1; echo err1 >&2; echo out2; echo err2 >&2");
    expect(await proc.exited).toBe(0);
    await Promise.all([out.ended, err.ended]);
    expect(out.text()).toBe("out1\nout2\n");
    expect(err.text()).toBe("err1\nerr2\n");
  });

  test("fd 1 and 2 are pipes, so /dev/stdout and /dev/stderr open by name (as another user too)", async () => {
    // As root (CI), the child runs as uid 65534, which must still reopen its own fd 1 and 2.
    const ids = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const ports = await openPorts(pool());
    const out = collect(ports.stdout);
    const err = collect(ports.stderr);
    const proc = spawnOn(ports, "test -p /dev/stdout && test -p /dev/stderr && echo to-dev-stdout > /dev/stdout && echo to-dev-stderr | tee /dev/stderr > /dev/null", ids);
    expect(await proc.exited).toBe(0);
    await Promise.all([out.ended, err.ended]);
    expect(out.text()).toBe("to-dev-stdout\n");
    expect(err.text()).toBe("to-dev-stderr\n");
  });

  test("the end waits for a grandchild that still holds the stream", async () => {
    const ports = await openPorts(pool());
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
    const ports = await openPorts(pool());
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

  test("many spawns opening at once each get their own pair, and ended pipes are reused rather than made again", async () => {
    const dir = join(tempDir(), "output");
    const p = pool(dir);
    const round = async (n: number, label: string) => {
      const opened = await Promise.all(Array.from({ length: n }, () => openPorts(p)));
      expect(new Set(opened.flatMap((o) => o.fds)).size).toBe(2 * n);
      // A few run a child; the rest are released unused. Every feed ends, each with its own output.
      const feeds = opened.map((o) => [collect(o.stdout), collect(o.stderr)] as const);
      const procs = opened.slice(0, 20).map((o, i) => spawnOn(o, `echo ${label}${i}; echo e${i} >&2`));
      for (const o of opened.slice(20)) o.release();
      await Promise.all(procs.map((x) => x.exited));
      await Promise.all(feeds.flatMap(([o, e]) => [o.ended, e.ended]));
      feeds.forEach(([o, e], i) => {
        expect(o.text()).toBe(i < 20 ? `${label}${i}\n` : "");
        expect(e.text()).toBe(i < 20 ? `e${i}\n` : "");
      });
    };
    await round(300, "a");
    const made = readdirSync(dir).length;
    expect(made).toBeGreaterThanOrEqual(600);
    await round(300, "b");
    expect(readdirSync(dir).length).toBe(made);
  }, 60_000);

  test("released without a spawn, both feeds end empty", async () => {
    const ports = await openPorts(pool());
    const out = collect(ports.stdout);
    const err = collect(ports.stderr);
    ports.release();
    await Promise.all([out.ended, err.ended]);
    expect(out.text() + err.text()).toBe("");
  });

  test("the directory is 0700 and emptied of an earlier daemon's pipes; they are FIFOs; close() removes it", async () => {
    const dir = join(tempDir(), "output");
    mkdirSync(dir);
    writeFileSync(join(dir, "left-behind"), "");
    const p = pool(dir);
    const ports = await openPorts(p);
    expect(existsSync(join(dir, "left-behind"))).toBe(false);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const fifos = readdirSync(dir).map((f) => statSync(join(dir, f)));
    expect(fifos.length).toBeGreaterThan(0);
    expect(fifos.every((s) => s.isFIFO() && (s.mode & 0o777) === 0o622)).toBe(true);
    const out = collect(ports.stdout);
    collect(ports.stderr);
    expect(await spawnOn(ports, "echo mine").exited).toBe(0);
    await out.ended;
    expect(out.text()).toBe("mine\n");
    p.close();
    expect(existsSync(dir)).toBe(false);
  });

  test("a pool that cannot make its directory gives no ports", async () => {
    const p = pool(unmakeable());
    expect(await p.open()).toBeUndefined();
    expect(await p.open()).toBeUndefined();
  });

  test("when its directory is deleted, the next spawn makes it afresh, and streams opened before carry on", async () => {
    const dir = join(tempDir(), "run", "output");
    const p = pool(dir);
    const before = await openPorts(p);
    const early = collect(before.stdout);
    collect(before.stderr);
    // A child that writes once now and once after its pipe's directory is gone.
    const gate = join(tempDir(), "go");
    const proc = spawnOn(before, `echo first; while [ ! -e '${gate}' ]; do sleep 0.05; done; echo second`);
    await waitFor(() => early.text() === "first\n", "the first line");
    rmSync(dirname(dir), { recursive: true, force: true });

    const after = await openPorts(p);
    expect(statSync(dir).isDirectory()).toBe(true);
    const late = collect(after.stdout);
    collect(after.stderr);
    expect(await spawnOn(after, "echo through-a-new-pipe").exited).toBe(0);
    await late.ended;
    expect(late.text()).toBe("through-a-new-pipe\n");

    writeFileSync(gate, "");
    expect(await proc.exited).toBe(0);
    await early.ended;
    expect(early.text()).toBe("first\nsecond\n");
  }, 30_000);
});

describe("the Supervisor's output pipes", () => {
  async function echoOnce(outputFifoDir: string | null, expectPipe: boolean) {
    const lines: string[] = [];
    const sup = new Supervisor({ outputFifoDir, output: (l) => lines.push(l) });
    cleanups.push(() => sup.stopAll());
    await sup.start({ short: "echo", cmd: ["sh", "-c", "test -p /dev/stdout && echo pipe; echo to-out; echo to-err >&2"], restart: "never" });
    const written = () => lines.filter((l) => l.includes("to-")).toSorted();
    await waitFor(() => sup.get("echo")?.status === "completed" && written().length === 2, "both lines and the exit");
    expect(written()).toEqual(["[echo] to-err\n", "[echo] to-out\n"]);
    expect(lines.includes("[echo] pipe\n")).toBe(expectPipe);
  }

  test("children write to pipes the supervisor made", async () => {
    const dir = join(tempDir(), "output");
    await echoOnce(dir, true);
    expect(readdirSync(dir).length).toBeGreaterThan(0);
  });

  test("without them (a directory it cannot make, or null) output still comes, through Bun's pipes", async () => {
    await echoOnce(unmakeable(), false);
    await echoOnce(null, false);
  });
});
