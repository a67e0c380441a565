/**
 * systemd's sd_notify protocol, receiving end: a unix datagram socket a service finds in
 * `NOTIFY_SOCKET` and sends `READY=1` to. Bun has no unix datagram sockets, so this binds
 * one through libc (bun:ffi) and polls it without blocking.
 */
import { rmSync } from "node:fs";
import { bunFfi } from "./ffi.ts";
import { openLibc } from "./libc.ts";

const AF_UNIX = 1;
const SOCK_DGRAM = 2;
const SOCK_NONBLOCK = 0o4000; // Linux values; macOS has no such flags (set via fcntl), unsupported there
const SOCK_CLOEXEC = 0o2000000;
const MSG_DONTWAIT = 0x40;
/** sun_path is 108 bytes on Linux, NUL included. */
const SUN_PATH_MAX = 107;

type Libc = ReturnType<typeof loadLibc>;
let libc: Libc | undefined;

function loadLibc() {
  const { FFIType } = bunFfi();
  return openLibc({
    socket: { args: [FFIType.i32, FFIType.i32, FFIType.i32], returns: FFIType.i32 },
    bind: { args: [FFIType.i32, FFIType.ptr, FFIType.u32], returns: FFIType.i32 },
    recv: { args: [FFIType.i32, FFIType.ptr, FFIType.u64, FFIType.i32], returns: FFIType.i64 },
    sendto: {
      args: [FFIType.i32, FFIType.ptr, FFIType.u64, FFIType.i32, FFIType.ptr, FFIType.u32],
      returns: FFIType.i64,
    },
    close: { args: [FFIType.i32], returns: FFIType.i32 },
  });
}

/** The address of `bytes` for a libc call. */
function pointer(bytes: Uint8Array) {
  return bunFfi().ptr(bytes);
}

function lib(): Libc {
  libc ??= loadLibc();
  return libc;
}

/** True where this implementation works (Linux, with a libc to load). */
export function notifySupported(): boolean {
  if (process.platform !== "linux") return false;
  try {
    lib();
    return true;
  } catch {
    return false;
  }
}

function sockaddr(path: string): { bytes: Uint8Array; length: number } {
  const encoded = new TextEncoder().encode(path);
  if (encoded.length > SUN_PATH_MAX) throw new Error(`notify socket path too long: ${path}`);
  const bytes = new Uint8Array(2 + SUN_PATH_MAX + 1);
  new DataView(bytes.buffer).setUint16(0, AF_UNIX, true);
  bytes.set(encoded, 2);
  return { bytes, length: 2 + encoded.length + 1 };
}

/** A bound notify socket; `poll` returns the messages that arrived since the last call. */
export class NotifySocket {
  private fd: number;
  private readonly buffer = new Uint8Array(4096);

  constructor(readonly path: string) {
    rmSync(path, { force: true });
    const fd = lib().socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) throw new Error("socket(AF_UNIX, SOCK_DGRAM) failed");
    const addr = sockaddr(path);
    if (lib().bind(fd, pointer(addr.bytes), addr.length) !== 0) {
      lib().close(fd);
      throw new Error(`bind ${path} failed`);
    }
    this.fd = fd;
  }

  /** Every datagram waiting now, decoded (never blocks). */
  poll(): string[] {
    const messages: string[] = [];
    if (this.fd < 0) return messages;
    for (;;) {
      const n = Number(lib().recv(this.fd, pointer(this.buffer), this.buffer.length, MSG_DONTWAIT));
      if (n < 0) return messages;
      messages.push(new TextDecoder().decode(this.buffer.subarray(0, n)));
    }
  }

  close(): void {
    if (this.fd < 0) return;
    lib().close(this.fd);
    this.fd = -1;
    rmSync(this.path, { force: true });
  }
}

/** True when a notify message says the service is ready (`READY=1` on a line of its own). */
export function saysReady(message: string): boolean {
  return message.split("\n").some((line) => line.trim() === "READY=1");
}

/** Sends one datagram to a notify socket, as `systemd-notify` would (for tests and tools). */
export function sendNotify(path: string, message: string): boolean {
  const fd = lib().socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  try {
    const addr = sockaddr(path);
    const bytes = new TextEncoder().encode(message);
    return Number(lib().sendto(fd, pointer(bytes), bytes.length, 0, pointer(addr.bytes), addr.length)) === bytes.length;
  } finally {
    lib().close(fd);
  }
}
