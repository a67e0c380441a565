/** The real readiness seam: a TCP connect probe on loopback. */
import { connect } from "node:net";

/** Resolves true when something accepts a connection on 127.0.0.1:`port` within `timeoutMs`. */
export function defaultPortListening(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: "127.0.0.1" });
    let settled = false;
    const done = (listening: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(listening);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}
