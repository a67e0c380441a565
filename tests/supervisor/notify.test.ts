// sd_notify readiness with real processes and a real NOTIFY_SOCKET.
import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Supervisor } from "../../src/supervisor.ts";
import type { ProbeSpec } from "../../src/supervisor/types.ts";

const NOTIFY_MODULE = join(import.meta.dir, "..", "..", "src", "os", "notify-socket.ts");
const notifyReady: ProbeSpec = { check: { kind: "notify" }, intervalMs: 50, timeoutMs: 1_000, initialDelayMs: 0, failureThreshold: 1 };

/** A child that sends `message` to $NOTIFY_SOCKET after `afterMs`, then idles. */
function notifier(message: string | undefined, afterMs: number): string[] {
  const send = message === undefined ? "" : `setTimeout(() => sendNotify(process.env.NOTIFY_SOCKET, ${JSON.stringify(message)}), ${afterMs});`;
  return [process.execPath, "-e", `import { sendNotify } from ${JSON.stringify(NOTIFY_MODULE)}; ${send} setInterval(() => {}, 1e9);`];
}

const sups: Supervisor[] = [];
afterEach(async () => {
  await Promise.all(sups.splice(0).map((s) => s.stopAll()));
});

function supervisor(startReadyMs: number): Supervisor {
  const sup = new Supervisor({ output: () => {}, startReadyMs, killTimeoutMs: 5_000 });
  sups.push(sup);
  return sup;
}

describe("ready: { notify } (systemd's sd_notify)", () => {
  test("a service that sends READY=1 is ready; its NOTIFY_SOCKET is gone after stop", async () => {
    const sup = supervisor(10_000);
    const state = await sup.start({ short: "notifier", cmd: notifier("STATUS=warming up\nREADY=1", 300), ready: notifyReady });
    expect(state).toMatchObject({ status: "running", ready: true, startError: undefined });
    const environ = readFileSync(`/proc/${state.pid}/environ`, "utf8").split("\0");
    const socketPath = environ.find((v) => v.startsWith("NOTIFY_SOCKET="))?.slice("NOTIFY_SOCKET=".length) ?? "";
    expect(socketPath).not.toBe("");
    await sup.stop("notifier");
    expect(existsSync(socketPath)).toBe(false);
  }, 30_000);

  test("a service that never says READY=1 is running but not ready, with a not_ready start error", async () => {
    const sup = supervisor(400);
    const state = await sup.start({ short: "silent", cmd: notifier("STATUS=still booting", 0), ready: notifyReady });
    expect(state.status).toBe("running");
    expect(state.ready).toBe(false);
    expect(state.startError?.error_type).toBe("not_ready");
    expect(state.startError?.error_description).toContain("READY=1");
  }, 30_000);

  test("READY=1 arriving after the window still makes the service ready", async () => {
    const sup = supervisor(200);
    const first = await sup.start({ short: "late", cmd: notifier("READY=1", 1_000), ready: notifyReady });
    expect(first.ready).toBe(false);
    const deadline = Date.now() + 15_000;
    while (!sup.get("late")?.ready && Date.now() < deadline) await Bun.sleep(50);
    expect(sup.get("late")).toMatchObject({ ready: true, startError: undefined });
  }, 30_000);
});
