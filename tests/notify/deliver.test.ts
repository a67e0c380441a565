/** One real delivery: a command reading stdin and CANOPY_EVENT_*, a webhook served by Bun on port 0, and their timeouts. */
import { afterEach, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeWebhook, postNotifyWebhook, runNotifyCommand } from "../../src/notify/deliver.ts";
import { samplePayload } from "../../src/notify/payload.ts";
import { pidGone } from "../../src/os/proc-info.ts";
import { waitFor } from "../helpers/net.ts";

const payload = samplePayload({ pid: 1, config_file: "/c.yaml", hostname: "h" }, "2026-01-01T00:00:00.000Z");
const dirs: string[] = [];
const servers: Array<{ stop(force?: boolean): unknown }> = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  for (const s of servers.splice(0)) s.stop(true);
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "canopy-notify-"));
  dirs.push(d);
  return d;
}

test("a command gets the payload on stdin and in CANOPY_EVENT_* variables, runs in cwd; exit 0 is ok", async () => {
  const dir = tempDir();
  const result = await runNotifyCommand(["/bin/sh", "-c", 'cat > stdin.json; printf "%s|%s" "$CANOPY_EVENT" "$CANOPY_EVENT_SERVICE" > env.txt'], payload, {
    timeoutMs: 5_000,
    cwd: dir,
    baseEnv: { PATH: process.env.PATH },
  });
  expect(result).toEqual({ notifier: "command", ok: true });
  expect(JSON.parse(readFileSync(join(dir, "stdin.json"), "utf8"))).toEqual(payload);
  expect(readFileSync(join(dir, "env.txt"), "utf8")).toBe("test|canopy");
});

test("a command that fails, or cannot be run, says why", async () => {
  const opts = { timeoutMs: 5_000, cwd: tmpdir(), baseEnv: {} };
  expect(await runNotifyCommand(["/bin/sh", "-c", "exit 3"], payload, opts)).toEqual({ notifier: "command", ok: false, error: "exited 3" });
  const missing = await runNotifyCommand(["/nonexistent/alert"], payload, opts);
  expect(missing.ok).toBe(false);
  expect(missing.error).toContain("/nonexistent/alert");
});

test("a command past its timeout is killed with everything it started", async () => {
  const dir = tempDir();
  const started = performance.now();
  const result = await runNotifyCommand(["/bin/sh", "-c", "sleep 60 & echo $! > child.pid; wait"], payload, {
    timeoutMs: 300,
    cwd: dir,
    baseEnv: { PATH: process.env.PATH },
  });
  expect(result).toEqual({ notifier: "command", ok: false, error: "timed out after 300ms (killed)" });
  expect(performance.now() - started).toBeLessThan(3_000);
  const child = Number(readFileSync(join(dir, "child.pid"), "utf8"));
  await waitFor(() => pidGone(child), "the command's background child to be killed too", 5_000);
});

test("a command still running when the daemon stops is killed with its group", async () => {
  const dir = tempDir();
  const stop = new AbortController();
  const pending = runNotifyCommand(["/bin/sh", "-c", "echo $$ > sh.pid; sleep 60 & wait"], payload, {
    timeoutMs: 60_000,
    cwd: dir,
    baseEnv: { PATH: process.env.PATH },
    signal: stop.signal,
  });
  const pid = await waitFor(() => (existsSync(join(dir, "sh.pid")) ? Number(readFileSync(join(dir, "sh.pid"), "utf8")) : 0), "the command to start");
  stop.abort();
  expect(await pending).toEqual({ notifier: "command", ok: false, error: "the daemon is stopping (killed)" });
  await waitFor(() => pidGone(pid), "the command to be gone", 5_000);
});

test("a webhook gets the payload as a JSON POST; a 2xx is ok, anything else is not", async () => {
  const received: unknown[] = [];
  let status = 204;
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: async (req) => {
      received.push({ method: req.method, type: req.headers.get("content-type"), body: await req.json() });
      return new Response(null, { status });
    },
  });
  servers.push(server);
  const url = `http://127.0.0.1:${server.port}/hook`;
  const opts = { timeoutMs: 5_000, cwd: "/", baseEnv: {} };
  expect(await postNotifyWebhook(url, payload, opts)).toEqual({ notifier: "webhook", ok: true });
  expect(received).toEqual([{ method: "POST", type: "application/json", body: payload }]);
  status = 500;
  expect(await postNotifyWebhook(url, payload, opts)).toEqual({ notifier: "webhook", ok: false, error: "HTTP 500" });
});

test("a webhook that never answers times out", async () => {
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Promise<Response>(() => {}) });
  servers.push(server);
  const started = performance.now();
  const result = await postNotifyWebhook(`http://127.0.0.1:${server.port}/`, payload, { timeoutMs: 300, cwd: "/", baseEnv: {} });
  expect(result).toEqual({ notifier: "webhook", ok: false, error: "timed out after 300ms" });
  expect(performance.now() - started).toBeLessThan(3_000);
});

test("a webhook URL in daemon.log keeps no credentials or query", () => {
  expect(describeWebhook("https://user:pw@hooks.example.com:8443/a/b?token=x#f")).toBe("https://hooks.example.com:8443/a/b");
});
