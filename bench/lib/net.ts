// Loopback TCP probes. Every wait is bounded in time.
import { connect } from "node:net";

/** One connect attempt to 127.0.0.1:port; true if it was accepted. */
export function canConnect(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host: "127.0.0.1", port });
    const done = (ok: boolean) => {
      clearTimeout(timer);
      sock.removeAllListeners();
      sock.on("error", () => {});
      sock.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    sock.once("connect", () => done(true));
    sock.once("error", () => done(false));
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Polls until every port accepts a connection (a pending port is retried every `pollMs`).
 * Resolves with the ms from `t0` (a performance.now() value) to the moment the last port accepted,
 * or throws when `timeoutMs` passes first.
 */
export async function waitPorts(ports: readonly number[], t0: number, timeoutMs: number, pollMs = 2): Promise<number> {
  let pending = [...ports];
  let last = t0;
  const deadline = t0 + timeoutMs;
  while (pending.length > 0) {
    const results = await Promise.all(pending.map((p) => canConnect(p, 500)));
    const now = performance.now();
    const still = pending.filter((_, i) => !results[i]);
    if (still.length < pending.length) last = now;
    pending = still;
    if (pending.length === 0) break;
    if (now > deadline) throw new Error(`ports not accepting after ${timeoutMs} ms: ${pending.slice(0, 8).join(", ")}${pending.length > 8 ? ", …" : ""}`);
    await sleep(pollMs);
  }
  return last - t0;
}

/** Waits until one port accepts; ms from t0, or throws after timeoutMs. */
export function waitPort(port: number, t0: number, timeoutMs: number, pollMs = 1): Promise<number> {
  return waitPorts([port], t0, timeoutMs, pollMs);
}
