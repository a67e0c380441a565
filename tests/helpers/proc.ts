/** Process checks for tests. */
import { readProcStat } from "../../src/os/proc-info.ts";

/**
 * True while `pid` is a running process. A zombie counts as gone: it runs no code and
 * holds no port, and init reaps orphaned ones only when it gets to them.
 */
export function pidRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== "ESRCH";
  }
  const stat = readProcStat(pid);
  return stat === undefined ? existsOnNonLinux() : stat.state !== "Z";
}

function existsOnNonLinux(): boolean {
  // Without /proc (macOS) kill(pid, 0) succeeding is all we can know.
  return process.platform !== "linux";
}
