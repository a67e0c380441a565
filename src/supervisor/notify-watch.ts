/** sd_notify readiness for one child: a socket it finds in NOTIFY_SOCKET, polled until READY=1. */
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NotifySocket, saysReady } from "../os/notify-socket.ts";

const POLL_MS = 50;

/** A bound socket and its poller; `close` stops both. */
export interface NotifyWatch {
  path: string;
  /** Starts polling; `onReady` fires once, at the first READY=1. */
  watch(onReady: () => void): void;
  close(): void;
}

/** Binds `<dir>/<name>.sock` (the directory is made 0700 if missing). */
export function openNotifyWatch(dir: string, name: string): NotifyWatch {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const socket = new NotifySocket(join(dir, `${name}.sock`));
  let timer: ReturnType<typeof setInterval> | undefined;
  const close = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
    socket.close();
  };
  return {
    path: socket.path,
    watch(onReady) {
      // Real timers: this polls a socket, independent of any test's sleep seam.
      timer = setInterval(() => {
        if (socket.poll().some(saysReady)) {
          close();
          onReady();
        }
      }, POLL_MS);
      timer.unref?.();
    },
    close,
  };
}

/** Where a Supervisor without a configured directory binds its notify sockets. */
export function defaultNotifyDir(): string {
  return join(tmpdir(), `canopy-notify-${process.getuid?.() ?? 0}-${process.pid}`);
}
