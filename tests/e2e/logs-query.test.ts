/**
 * `canopy logs` as a query over real daemon-written logs: two services whose lines the test
 * interleaves one at a time (each written only once the previous one is in its log file, a
 * ms later), in files small enough that most of it is rotated.
 */
import { afterEach, expect, test } from "bun:test";
import { appendFile } from "node:fs/promises";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { formatLocalStamp } from "../../src/logs/local-time.ts";
import { BUN, cliEnv, MAIN, type TempProject, tempProject } from "../helpers/cli.ts";
import { waitFor } from "../helpers/net.ts";

let project: TempProject | undefined;

afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

/**
 * A service that prints each line the test sends to its FIFO: to stderr when it starts with E.
 * It holds the FIFO open read-write for good, so a sender never meets the moment a reader that
 * saw the last sender's end of file is closing it (the send's write would fail with EPIPE).
 */
function echoService(p: TempProject, name: string): { cmd: string[] } {
  const fifo = join(p.dir, `${name}.fifo`);
  Bun.spawnSync(["mkfifo", fifo]);
  return { cmd: ["/bin/sh", "-c", `exec 3<>"$0"; while IFS= read -r l <&3; do case "$l" in E*) printf '%s\\n' "$l" >&2;; *) printf '%s\\n' "$l";; esac; done`, fifo] };
}

interface Sent {
  service: string;
  stream: "stdout" | "stderr";
  line: string;
  /** The stamp must lie between these (ms). */
  sentAt: number;
  seenAt: number;
}

type Row = { ts: string | null; service: string; stream: string | null; line: string };

const PAD = "x".repeat(200);

test("two services' interleaved lines come back in time order with their stamps; every filter selects exactly, rotated files included, with or without a daemon", async () => {
  const p = (project = tempProject());
  p.writeConfig({ logs: { max_size: "1KB", max_files: 20 }, services: { web: echoService(p, "web"), api: echoService(p, "api") } });
  expect((await p.cli(["up", "-d"])).code).toBe(0);
  const logDir = join(p.stateDir, "logs");

  const sent: Sent[] = [];
  for (let i = 0; i < 24; i++) {
    const service = i % 3 === 1 ? "api" : "web";
    const stream = i % 4 === 3 ? "stderr" : "stdout";
    const line = `${stream === "stderr" ? "E" : "o"} ${service} ${String(i).padStart(2, "0")} ${PAD}`;
    const sentAt = Date.now();
    await appendFile(join(p.dir, `${service}.fifo`), `${line}\n`);
    // In the file (so read and stamped by the daemon), then a ms on: the next stamp is later.
    await waitFor(() => readdirSync(logDir).some((f) => /\.log(\.\d+)?$/.test(f) && f.startsWith(`${service}.`) && readFileSync(join(logDir, f), "utf8").includes(line)), `line ${i} in ${service}'s log`);
    const seenAt = Date.now();
    await waitFor(() => Date.now() > seenAt, "the clock to move on", 1_000, 1);
    sent.push({ service, stream, line, sentAt, seenAt });
  }
  expect(readdirSync(logDir).filter((f) => /^web\.log\.\d+$/.test(f)).length).toBeGreaterThan(2);
  expect(readdirSync(logDir).filter((f) => /^web\.idx\.\d+$/.test(f)).length).toBeGreaterThan(2);

  const json = async (...args: string[]): Promise<Row[]> => {
    const r = await p.cli(["logs", "--json", ...args]);
    expect({ args, code: r.code, stderr: r.stderr }).toEqual({ args, code: 0, stderr: "" });
    return r.stdout.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Row);
  };

  const all = await json("-n", "1000");
  expect(all.map((r) => r.line)).toEqual(sent.map((s) => s.line));
  expect(all.map(({ service, stream }) => ({ service, stream }))).toEqual(sent.map(({ service, stream }) => ({ service, stream })));
  for (const [i, r] of all.entries()) {
    const at = Date.parse(r.ts ?? "");
    expect({ i, ok: at >= (sent[i] as Sent).sentAt && at <= (sent[i] as Sent).seenAt }).toEqual({ i, ok: true });
  }
  const ts = all.map((r) => r.ts as string);

  // --since / --until at the stamps of lines 5 and 17: exactly those and what lies between.
  expect(await json("--since", ts[5] as string, "--until", ts[17] as string)).toEqual(all.slice(5, 18));
  expect(await json("--since", ts[20] as string)).toEqual(all.slice(20));
  expect(await json("--until", ts[2] as string)).toEqual(all.slice(0, 3));
  expect(await json("--since", "1h")).toEqual(all);
  expect(await json("--grep", "^o web 1[0-9]")).toEqual(all.filter((r) => /^o web 1[0-9]/.test(r.line)));
  expect(await json("--stderr")).toEqual(all.filter((r) => r.stream === "stderr"));
  expect(await json("--stderr", "--since", ts[8] as string, "api")).toEqual(all.slice(8).filter((r) => r.stream === "stderr" && r.service === "api"));
  expect(await json("-n", "4", "web")).toEqual(all.filter((r) => r.service === "web").slice(-4));

  // For people: `[name] line`, and with -t the local time first.
  const plain = await p.cli(["logs", "-n", "2"]);
  expect(plain.stdout).toBe(all.slice(-2).map((r) => `[${r.service}] ${r.line}\n`).join(""));
  const stamped = await p.cli(["logs", "-t", "-n", "2"]);
  expect(stamped.stdout).toBe(all.slice(-2).map((r) => `${formatLocalStamp(r.ts as string)} [${r.service}] ${r.line}\n`).join(""));

  // The daemon gone, the files answer the same.
  expect((await p.cli(["down"])).code).toBe(0);
  expect(await json("-n", "1000")).toEqual(all);
  expect(await json("--since", ts[5] as string, "--until", ts[17] as string)).toEqual(all.slice(5, 18));

  // Bad values are usage errors.
  for (const args of [["--since", "yesterday"], ["--until", "2026-13-01"], ["--grep", "("], ["--since", "1m", "--until", "2h"]]) {
    const r = await p.cli(["logs", ...args]);
    expect({ args, code: r.code }).toEqual({ args, code: 2 });
  }
}, 90_000);

test("logs.timestamps: false writes the child's bytes alone, byte for byte, and no index", async () => {
  const p = (project = tempProject());
  const payload = Buffer.from([0x61, 0x1b, 0x5b, 0x32, 0x4a, 0x00, 0xff, 0xfe, 0x0a, 0x62, 0x0d, 0x0a]);
  const file = p.writeFile("payload.bin", "");
  await Bun.write(file, payload);
  p.writeConfig({ logs: { timestamps: false }, services: { raw: { cmd: ["/bin/sh", "-c", `cat "$0"; exec sleep 600`, file] } } });
  expect((await p.cli(["up", "-d"])).code).toBe(0);
  const log = join(p.stateDir, "logs", "raw.log");
  await waitFor(() => existsSync(log) && readFileSync(log).length >= payload.length, "the payload in raw.log");
  expect(Buffer.compare(readFileSync(log), payload)).toBe(0);
  expect(readdirSync(join(p.stateDir, "logs"))).toEqual(["raw.log"]);
  const r = await p.cli(["logs", "--json"]);
  expect(r.stdout.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l))).toEqual([
    { ts: null, service: "raw", stream: null, line: "a\u001b[2J\u0000\ufffd\ufffd" },
    { ts: null, service: "raw", stream: null, line: "b\r" },
  ]);
}, 60_000);

test("logs -f: the backlog from the files, then new lines through the same filter, each once", async () => {
  const p = (project = tempProject());
  p.writeConfig({ services: { web: echoService(p, "web") } });
  expect((await p.cli(["up", "-d"])).code).toBe(0);
  const send = (line: string) => appendFile(join(p.dir, "web.fifo"), `${line}\n`);
  await send("o keep 1");
  await send("o drop 2");
  await waitFor(async () => (await p.cli(["logs"])).stdout.includes("drop 2"), "the first lines in the log");

  const follower = Bun.spawn([BUN, MAIN, "-c", p.configFile, "logs", "-f", "--json", "--grep", "keep"], { cwd: p.dir, env: cliEnv({ stateDir: p.stateDir }), stdout: "pipe", stderr: "pipe" });
  try {
    let out = "";
    const reader = follower.stdout.getReader();
    const decoder = new TextDecoder();
    const readUntil = async (count: number) => {
      while (out.split("\n").filter((l) => l !== "").length < count) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`follower ended early: ${out}`);
        out += decoder.decode(value, { stream: true });
      }
    };
    await readUntil(1); // the backlog: the one kept line so far
    for (const line of ["o drop 3", "E keep 4", "o keep 5", "o drop 6", "o keep 7"]) await send(line);
    await readUntil(4);
    const rows = out.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Row);
    // stdout and stderr are read apart: between them, order is not kept. Each line once is.
    rows.sort((a, b) => a.line.slice(2).localeCompare(b.line.slice(2)));
    expect(rows.map(({ service, stream, line }) => ({ service, stream, line }))).toEqual([
      { service: "web", stream: "stdout", line: "o keep 1" },
      { service: "web", stream: "stderr", line: "E keep 4" },
      { service: "web", stream: "stdout", line: "o keep 5" },
      { service: "web", stream: "stdout", line: "o keep 7" },
    ]);
    expect(rows.every((r) => r.ts !== null && Math.abs(Date.parse(r.ts) - Date.now()) < 60_000)).toBe(true);
  } finally {
    follower.kill();
    await follower.exited;
  }
}, 60_000);
