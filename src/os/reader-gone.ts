/**
 * Whether the reader of a pipe or socket we write to went away, asked without writing:
 * poll(2) with no events reports POLLERR on a pipe whose read end is closed and POLLHUP on a
 * socket (or terminal) hung up. `tail -f` asks the same, so `tail -f | head -2` ends even when
 * nothing more comes to write.
 */
import { bunFfi } from "./ffi.ts";
import { openLibc } from "./libc.ts";

const POLLERR = 0x8;
const POLLHUP = 0x10;

type Poll = (fds: Uint8Array) => number;
let poll: Poll | null | undefined;

function loadPoll(): Poll | null {
  try {
    // Inside the try: bun:ffi itself refuses to load where the JIT is off (BUN_JSC_useJIT=0).
    const { FFIType, ptr } = bunFfi();
    const libc = openLibc({ poll: { args: [FFIType.ptr, FFIType.u64, FFIType.i32], returns: FFIType.i32 } });
    return (fds) => libc.poll(ptr(fds), 1, 0);
  } catch {
    return null; // no libc to ask: only a failed write tells
  }
}

/** True when `fd`'s reader is gone; false when it is there, or when this cannot be asked here. */
export function readerGone(fd: number): boolean {
  if (poll === undefined) poll = loadPoll();
  if (poll === null) return false;
  // struct pollfd { int fd; short events; short revents; }: no events asked; errors are always reported.
  const pollfd = new Uint8Array(8);
  const view = new DataView(pollfd.buffer);
  view.setInt32(0, fd, true);
  if (poll(pollfd) <= 0) return false;
  return (view.getInt16(6, true) & (POLLERR | POLLHUP)) !== 0;
}
