/** The real readiness seam: a TCP connect probe on loopback. */

/** Resolves true when something accepts a connection on 127.0.0.1:`port` within `timeoutMs`. */
export function defaultPortListening(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (listening: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(listening);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    Bun.connect({ hostname: "127.0.0.1", port, socket: { data() {} } }).then(
      (socket) => {
        // Connected: say so (unless the deadline already answered), then hang up either way.
        done(true);
        socket.end();
      },
      () => done(false),
    );
  });
}
