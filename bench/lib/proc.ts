// /proc readers: RSS, CPU time, the process list, and the sweep that kills every benchmark process.
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/** The environment variable every process the benchmark starts carries (inherited by all descendants). */
export const MARKER = "CANOPY_BENCH_RUN";

export const CLK_TCK = 100;

function read(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/** VmRSS of a process in KiB, undefined if it is gone. */
export function rssKiB(pid: number): number | undefined {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(read(`/proc/${pid}/status`) ?? "");
  return m ? Number(m[1]) : undefined;
}

export type Stat = { pid: number; state: string; ppid: number; pgid: number; cpuTicks: number; startTicks: number };

/** Fields of /proc/<pid>/stat; cpuTicks is utime + stime of the process itself (not its children). */
export function stat(pid: number): Stat | undefined {
  const s = read(`/proc/${pid}/stat`);
  if (!s) return undefined;
  const rest = s.slice(s.lastIndexOf(")") + 2).split(" ");
  // rest[0] is field 3 (state); field n is rest[n - 3].
  const f = (n: number) => Number(rest[n - 3]);
  return { pid, state: rest[0] ?? "?", ppid: f(4), pgid: f(5), cpuTicks: f(14) + f(15), startTicks: f(22) };
}

/** CPU seconds (user + system) the process has used so far. */
export function cpuSeconds(pid: number): number | undefined {
  const s = stat(pid);
  return s ? s.cpuTicks / CLK_TCK : undefined;
}

export function alive(pid: number): boolean {
  const s = stat(pid);
  return s !== undefined && s.state !== "Z" && s.state !== "X";
}

export type Proc = Stat & { argv: string[] };

function pids(): number[] {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .map(Number);
}

/** Every live process with argv (zombies excluded). */
export function processes(): Proc[] {
  const out: Proc[] = [];
  for (const pid of pids()) {
    const st = stat(pid);
    if (!st || st.state === "Z" || st.state === "X") continue;
    const cmd = read(`/proc/${pid}/cmdline`);
    if (cmd === undefined) continue;
    out.push({ ...st, argv: cmd.split("\0").filter((x, i, a) => x !== "" || i < a.length - 1) });
  }
  return out;
}

/** Live processes whose environment carries MARKER=<value starting with prefix>. */
export function markedPids(prefix: string): number[] {
  const needle = `\0${MARKER}=${prefix}`;
  const out: number[] = [];
  for (const pid of pids()) {
    if (pid === process.pid) continue;
    const env = read(`/proc/${pid}/environ`);
    if (env && ("\0" + env).includes(needle)) {
      const st = stat(pid);
      if (st && st.state !== "Z") out.push(pid);
    }
  }
  return out;
}

/** Processes whose argv[0] is `exe` (real path compare) and, if given, whose argv[1] is `arg1`. */
export function findByExe(exe: string, arg1?: string): Proc[] {
  return processes().filter((p) => {
    if (p.argv[0] !== exe) {
      try {
        if (readlinkSync(`/proc/${p.pid}/exe`) !== exe) return false;
      } catch {
        return false;
      }
    }
    return arg1 === undefined || p.argv[1] === arg1;
  });
}

function signal(pid: number, sig: NodeJS.Signals | number): void {
  try {
    process.kill(pid, sig);
  } catch {}
}

/**
 * SIGKILLs every process whose marker starts with prefix, their process groups too (never our own group),
 * until none is left. Bounded: at most 50 rounds. Returns how many processes it killed.
 */
export async function sweep(prefix: string): Promise<number> {
  const ownPgid = stat(process.pid)?.pgid;
  let killed = 0;
  for (let round = 0; round < 50; round++) {
    const found = markedPids(prefix);
    if (found.length === 0) return killed;
    killed += found.length;
    for (const pid of found) {
      const pgid = stat(pid)?.pgid;
      if (pgid !== undefined && pgid > 1 && pgid !== ownPgid) signal(-pgid, "SIGKILL");
      signal(pid, "SIGKILL");
    }
    await Bun.sleep(20);
  }
  return killed;
}
