/**
 * Output floods with a stalled follower: 200 MB without a newline and 1,000,000 lines, while a
 * `logs -f` reader that reads nothing is attached. The daemon's memory stays bounded, the
 * children are never blocked by the reader, the log files keep to their rotation limit, and
 * the reader learns what it missed (`{"dropped":N}`) instead of a silent gap.
 */
import { afterEach, expect, test } from "bun:test";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { type TempProject, tempProject } from "../helpers/cli.ts";
import { waitFor } from "../helpers/net.ts";
import { tailLogFiles } from "../../src/daemon/log-files.ts";
import { cleanupProject, rssBytes } from "./helpers.ts";

const MiB = 1024 * 1024;
const BLOB_BYTES = 200 * MiB;
const LINES = 1_000_000;
/** The supervisor cuts a newline-less flood into pieces of this size (plus the newline in the file). */
const MAX_LINE = 64 * 1024 + 1;

let project: TempProject | undefined;

afterEach(async () => {
  await cleanupProject(project);
  project = undefined;
});

/** A follow reader on a raw socket: sends the request, then can stop reading from the kernel entirely. */
class StalledReader {
  private raw = Buffer.alloc(0);
  private headEnd = -1;
  private body = Buffer.alloc(0);
  private decodedUpTo = 0;
  /** NDJSON lines received (chunked framing removed). */
  readonly lines: string[] = [];
  private partial = "";
  private socket!: Bun.Socket<undefined>;
  closed = false;

  async open(socketPath: string, path: string): Promise<void> {
    this.socket = await Bun.connect({
      unix: socketPath,
      socket: {
        data: (_s, chunk) => this.onData(chunk),
        close: () => {
          this.closed = true;
        },
      },
    });
    this.socket.write(`GET ${path} HTTP/1.1\r\nHost: canopy\r\n\r\n`);
    await waitFor(() => this.headEnd >= 0, "the follow response to start", 10_000);
    expect(this.raw.subarray(0, 12).toString()).toBe("HTTP/1.1 200");
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  close(): void {
    this.socket.end();
  }

  private onData(chunk: Uint8Array): void {
    if (this.headEnd < 0) {
      this.raw = Buffer.concat([this.raw, chunk]);
      const end = this.raw.indexOf("\r\n\r\n");
      if (end < 0) return;
      this.headEnd = end;
      this.body = this.raw.subarray(end + 4);
    } else {
      this.body = Buffer.concat([this.body.subarray(this.decodedUpTo), chunk]);
      this.decodedUpTo = 0;
    }
    this.decodeChunks();
  }

  /** Strips the chunked framing from what has arrived, keeping an incomplete chunk for later. */
  private decodeChunks(): void {
    let pos = this.decodedUpTo;
    for (;;) {
      const lineEnd = this.body.indexOf("\r\n", pos);
      if (lineEnd < 0) break;
      const size = Number.parseInt(this.body.subarray(pos, lineEnd).toString("latin1"), 16);
      if (!Number.isFinite(size) || this.body.length < lineEnd + 2 + size + 2) break;
      this.partial += this.body.subarray(lineEnd + 2, lineEnd + 2 + size).toString("utf8");
      pos = lineEnd + 2 + size + 2;
    }
    this.decodedUpTo = pos;
    const parts = this.partial.split("\n");
    this.partial = parts.pop() ?? "";
    this.lines.push(...parts);
  }
}

function logFilesOf(dir: string, service: string): { name: string; size: number }[] {
  return readdirSync(dir)
    .filter((n) => n === `${service}.log` || n.startsWith(`${service}.log.`))
    .map((name) => ({ name, size: statSync(join(dir, name)).size }));
}

test("200 MB without a newline and 1,000,000 lines past a stalled follower: bounded RSS, children unblocked, rotation kept, drops reported", async () => {
  const p = (project = tempProject());
  p.writeConfig({
    logs: { max_size: "1MB", max_files: 3 },
    services: {
      // Its line is the follow stream's backlog: Bun sends a streamed response's head with its first bytes.
      greeter: p.printer(1),
      blob: { cmd: ["/bin/sh", "-c", `head -c ${BLOB_BYTES} /dev/zero | tr '\\0' x`, `${p.dir}/blob`], restart: "never", autostart: false },
      lines: { cmd: ["/bin/sh", "-c", `seq ${LINES}; :`, `${p.dir}/lines`], restart: "never", autostart: false },
    },
  });
  expect((await p.cli(["up", "-d"])).code).toBe(0);
  const daemonPid = (await p.status()).daemon.pid;

  // Idle: the largest of a few samples of the settled daemon.
  let idle = 0;
  for (let i = 0; i < 10; i++) {
    await fetch("http://canopy/v1/services", { unix: p.socketPath }).then((r) => r.text());
    idle = Math.max(idle, rssBytes(daemonPid) ?? 0);
  }
  expect(idle).toBeGreaterThan(0);

  const reader = new StalledReader();
  await reader.open(p.socketPath, "/v1/logs?follow=1&tail=1");
  reader.pause();

  const started = Date.now();
  for (const name of ["blob", "lines"]) {
    const res = await fetch(`http://canopy/v1/services/${name}/start`, { method: "POST", unix: p.socketPath });
    expect(res.status).toBe(200);
  }

  let peak = idle;
  const finished: Record<string, number> = {};
  await waitFor(
    async () => {
      peak = Math.max(peak, rssBytes(daemonPid) ?? 0);
      const res = await fetch("http://canopy/v1/services", { unix: p.socketPath });
      const doc = (await res.json()) as { services: { name: string; status: string; exit_code: number | null }[] };
      for (const s of doc.services) {
        if (s.status === "completed" && finished[s.name] === undefined) finished[s.name] = Date.now() - started;
        if (s.status === "crashed") throw new Error(`${s.name} crashed (exit ${s.exit_code})`);
      }
      return finished.blob !== undefined && finished.lines !== undefined;
    },
    "both floods to finish",
    120_000,
    20,
  );
  const logDir = join(p.stateDir, "logs");
  // The last line is in the current file once the batch that holds it is written.
  await waitFor(() => tailLogFiles(logDir, "lines", 1)[0] === String(LINES), "the last seq line in lines.log", 20_000);
  peak = Math.max(peak, rssBytes(daemonPid) ?? 0);

  console.log(
    `floods: blob ${finished.blob} ms, lines ${finished.lines} ms; daemon RSS idle ${(idle / MiB).toFixed(1)} MiB, ` +
      `peak ${(peak / MiB).toFixed(1)} MiB (+${((peak - idle) / MiB).toFixed(1)} MiB)`,
  );
  expect(peak - idle).toBeLessThan(64 * MiB);
  // Bounded time: a blocked child would never finish (the reader has not read a byte).
  expect(finished.blob).toBeLessThan(90_000);
  expect(finished.lines).toBeLessThan(90_000);

  for (const service of ["blob", "lines"]) {
    const files = logFilesOf(logDir, service);
    const total = files.reduce((n, f) => n + f.size, 0);
    console.log(`floods: ${service} log files ${files.map((f) => `${f.name}=${f.size}`).join(" ")}`);
    expect(files.length).toBeLessThanOrEqual(3);
    for (const f of files) expect(f.size).toBeLessThanOrEqual(1 * MiB);
    expect(total).toBeLessThanOrEqual(3 * MiB + MAX_LINE);
    // Rotation really happened: the files are full, not just small.
    expect(total).toBeGreaterThan(2 * MiB);
  }
  // The newline-less flood is in the files as pieces of x's (the last piece is what was left over).
  const lastPiece = tailLogFiles(logDir, "blob", 2);
  expect(lastPiece[0]).toBe("x".repeat(64 * 1024));
  expect(lastPiece[1]).toMatch(/^x{1,65536}$/);

  // The reader comes back: every flood line is either delivered or counted in a {"dropped":N} notice.
  const before = reader.lines.length;
  reader.resume();
  const published = BLOB_BYTES / (64 * 1024) + LINES;
  const tally = () => {
    let delivered = 0;
    let dropped = 0;
    const notices: number[] = [];
    for (const line of reader.lines) {
      const item = JSON.parse(line) as { dropped?: number; service?: string; stream?: string };
      if (item.dropped !== undefined) {
        dropped += item.dropped;
        notices.push(item.dropped);
      } else if (item.stream !== "canopy" && (item.service === "blob" || item.service === "lines")) delivered++;
    }
    return { delivered, dropped, notices };
  };
  // Canopy's own notices (exits) go through the same queue and may be among the dropped: a little slack.
  await waitFor(() => {
    const t = tally();
    return t.delivered + t.dropped >= published;
  }, "every flood line to be delivered or counted as dropped", 30_000);
  const t = tally();
  console.log(
    `floods: the stalled reader had ${before} line(s) before resuming; then ${t.delivered} flood lines delivered, ` +
      `${t.dropped} counted in ${t.notices.length} {"dropped":N} notices (of ${published} published)`,
  );
  expect(t.notices.length).toBeGreaterThan(0);
  expect(t.notices.every((n) => n > 0)).toBe(true);
  expect(t.dropped).toBeGreaterThan(0);
  expect(t.delivered + t.dropped).toBeGreaterThanOrEqual(published);
  expect(t.delivered + t.dropped).toBeLessThanOrEqual(published + 20);
  // The queue is bounded: most of the flood was dropped, not buffered for the reader.
  expect(t.delivered).toBeLessThan(published / 10);
  expect(reader.closed).toBe(false);
  reader.close();

  // Still healthy.
  expect((await fetch("http://canopy/v1/services", { unix: p.socketPath })).status).toBe(200);
}, 180_000);
