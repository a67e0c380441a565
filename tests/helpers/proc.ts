/** Process checks for tests. */
import { pidGone } from "../../src/os/proc-info.ts";

/**
 * True while `pid` runs. A finished zombie counts as gone: it runs no code and holds no
 * port (a zombie main thread whose other threads are still exiting does not: see isFinished).
 */
export function pidRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== "ESRCH";
  }
  // Without /proc (macOS) kill(pid, 0) succeeding is all we can know.
  if (process.platform !== "linux") return true;
  return !pidGone(pid);
}
