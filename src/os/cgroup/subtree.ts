/**
 * One daemon's cgroup subtree (the I/O edge): `<own cgroup>/canopy-<id>/` holding the daemon's
 * own leaf `daemon` (cgroup v2's "no internal processes" rule: a cgroup with controllers for its
 * children holds no process itself) and one `svc-<name>` per service. The id is derived from the
 * daemon's state folder, so two daemons never share a subtree, and the next daemon of the same
 * config finds what a killed one left.
 */
import { existsSync, mkdirSync, readdirSync, rmdirSync, writeFileSync } from "node:fs";
import { KeptFiles } from "../kept-files.ts";
import { pageSize, readOrUndefined } from "../proc-info.ts";
import type { LimitController } from "./detect.ts";
import { type CgroupLimits, flatKey, limitWrites, parseCount, parsePopulated, parseProcs, statmResidentPages } from "./files.ts";

const SERVICE_PREFIX = "svc-";
const DAEMON_LEAF = "daemon";

/** The name of the subtree of the daemon whose state lives in `stateDir`. */
export function subtreeName(stateDir: string): string {
  return `canopy-${Bun.hash(stateDir).toString(16).padStart(16, "0").slice(0, 12)}`;
}

/** The kernel's account of one service cgroup. */
export interface CgroupUsage {
  /** cpu.stat usage_usec: every process that ever ran in it, the exited ones included. */
  cpuUsec?: number;
  /** memory.current with the memory controller; without it, the resident memory of the processes in the cgroup. */
  memoryBytes?: number;
}

/** What `usage` reads for one service; `statm` by the pids last found in its cgroup. */
interface UsagePaths {
  cpuStat: string;
  procs: string;
  current: string;
  statm: Map<number, string>;
}

export class CgroupSubtree {
  readonly root: string;
  /** The cgroup.procs of the daemon's own leaf. */
  readonly home: string;
  /** The limit controllers enabled for the service cgroups. */
  enabled: LimitController[] = [];
  /** The files `usage` reads, kept open between calls. */
  private readonly kept = new KeptFiles();
  /** The paths `usage` reads, per service: made once, not three strings per service per status. */
  private readonly usagePaths = new Map<string, UsagePaths>();

  constructor(
    readonly parent: string,
    name: string,
  ) {
    this.root = `${parent}/${name}`;
    this.home = `${this.root}/${DAEMON_LEAF}/cgroup.procs`;
  }

  /**
   * Makes the subtree, moves this process into its leaf, and enables the `wanted` controllers for
   * the services (each one that cannot be enabled is returned with the reason). Throws when the
   * subtree cannot be made or joined.
   */
  setup(wanted: LimitController[]): Partial<Record<LimitController, string>> {
    mkdirSync(`${this.root}/${DAEMON_LEAF}`, { recursive: true });
    writeFileSync(this.home, `${process.pid}\n`);
    const failed: Partial<Record<LimitController, string>> = {};
    for (const c of wanted) {
      try {
        enable(this.parent, c);
        enable(this.root, c);
        this.enabled.push(c);
      } catch (err) {
        failed[c] = `could not enable the ${c} controller: ${(err as Error).message}`;
      }
    }
    return failed;
  }

  /** Closes what `usage` kept open for the service. */
  private forget(service: string): void {
    this.kept.closeIn(this.dirOf(service));
    for (const statm of this.usagePaths.get(service)?.statm.values() ?? []) this.kept.close(statm);
    this.usagePaths.delete(service);
  }

  private pathsOf(service: string): UsagePaths {
    let paths = this.usagePaths.get(service);
    if (paths === undefined) {
      const dir = this.dirOf(service);
      paths = { cpuStat: `${dir}/cpu.stat`, procs: `${dir}/cgroup.procs`, current: `${dir}/memory.current`, statm: new Map() };
      this.usagePaths.set(service, paths);
    }
    return paths;
  }

  /** The services that have a cgroup in the subtree (a killed daemon's included). */
  services(): string[] {
    try {
      return readdirSync(this.root, { withFileTypes: true }).flatMap((d) =>
        d.isDirectory() && d.name.startsWith(SERVICE_PREFIX) ? [d.name.slice(SERVICE_PREFIX.length)] : [],
      );
    } catch {
      return [];
    }
  }

  dirOf(service: string): string {
    return `${this.root}/${SERVICE_PREFIX}${service}`;
  }

  /** Makes the service's cgroup (or reuses an empty one) with `limits`; returns its cgroup.procs path. */
  create(service: string, limits: CgroupLimits): string {
    const dir = this.dirOf(service);
    mkdirSync(dir, { recursive: true });
    for (const w of limitWrites(limits)) {
      try {
        writeFileSync(`${dir}/${w.file}`, w.value);
      } catch (err) {
        // memory.swap.max exists only with swap accounting; without swap there is nothing to cap.
        if (w.file === "memory.swap.max" && (err as NodeJS.ErrnoException).code === "ENOENT") continue;
        throw new Error(`could not write ${w.value} to ${dir}/${w.file}: ${(err as Error).message}`);
      }
    }
    return `${dir}/cgroup.procs`;
  }

  /** The pids in the service's cgroup and the cgroups under it (a canopy run as a service makes its own) — [] when none. */
  pids(service: string): number[] {
    return cgroupsUnder(this.dirOf(service)).flatMap((dir) => parseProcs(readOr(`${dir}/cgroup.procs`, "")));
  }

  /** True while a live process is in the service's cgroup. */
  populated(service: string): boolean {
    return parsePopulated(readOr(`${this.dirOf(service)}/cgroup.events`, ""));
  }

  /** SIGKILL to the whole cgroup at once: cgroup.kill (Linux ≥ 5.14), else to each pid in it. */
  kill(service: string): void {
    const file = `${this.dirOf(service)}/cgroup.kill`;
    if (existsSync(file) && !this.pids(service).includes(process.pid)) {
      try {
        writeFileSync(file, "1");
        return;
      } catch {
        // fall through to the pids
      }
    }
    for (const pid of this.pids(service)) {
      try {
        // The daemon is in a service's cgroup only for the instant of a spawn (placement.ts); never a target.
        if (pid !== process.pid) process.kill(pid, "SIGKILL");
      } catch {
        // exited between the read and the signal
      }
    }
  }

  /**
   * CPU (cpu.stat, always there) and memory: memory.current with the memory controller, else the
   * resident pages of the processes directly in the cgroup (their statm). Nothing else is read,
   * and each file is kept open between calls: a status of 1,000 services reads this 1,000 times.
   */
  usage(service: string): CgroupUsage {
    const paths = this.pathsOf(service);
    const cpuText = this.kept.text(paths.cpuStat);
    const cpu = cpuText === undefined ? undefined : flatKey(cpuText, "usage_usec");
    const memory = this.enabled.includes("memory") ? parseCount(this.kept.text(paths.current) ?? "") : this.resident(paths);
    return {
      ...(cpu === undefined ? {} : { cpuUsec: cpu }),
      ...(memory === undefined ? {} : { memoryBytes: memory }),
    };
  }

  /**
   * The resident bytes of the processes in the service's own cgroup, whether or not the memory
   * controller is on (`max_memory` is resident memory, where memory.current counts page cache
   * too); undefined when it holds none.
   */
  residentBytes(service: string): number | undefined {
    return this.resident(this.pathsOf(service));
  }

  /**
   * The resident bytes of the processes in the service's own cgroup; undefined when it holds
   * none (a service that made cgroups below its own, as a canopy run as a service does, is
   * left to the process-group walk). The statm of a process that left is closed.
   */
  private resident(paths: UsagePaths): number | undefined {
    const procs = this.kept.text(paths.procs);
    const before = paths.statm;
    const now = new Map<number, string>();
    let pages = 0;
    for (const pid of procs === undefined ? [] : parseProcs(procs)) {
      if (pid === process.pid) continue;
      const statm = before.get(pid) ?? `/proc/${pid}/statm`;
      now.set(pid, statm);
      pages += statmResidentPages(this.kept.text(statm) ?? "") ?? 0;
    }
    for (const [pid, statm] of before) if (!now.has(pid)) this.kept.close(statm);
    paths.statm = now;
    return now.size === 0 ? undefined : pages * pageSize();
  }

  /** memory.events oom_kill: how often the kernel OOM-killed in the service's cgroup; undefined without the memory controller. */
  oomKills(service: string): number | undefined {
    if (!this.enabled.includes("memory")) return undefined;
    return flatKey(readOr(`${this.dirOf(service)}/memory.events`, ""), "oom_kill");
  }

  /** Removes the service's cgroup (and the empty ones under it, deepest first); false when one still holds a process. */
  remove(service: string): boolean {
    this.forget(service);
    return cgroupsUnder(this.dirOf(service))
      .reverse()
      .map(rmdirQuietly)
      .every(Boolean);
  }

  /**
   * Removes every (empty) service cgroup, moves this process back to the cgroup it came from and
   * removes its leaf and the subtree. A parent that may not hold processes again (it now has
   * controllers for children, and is not the root) keeps the daemon in its leaf: the subtree is
   * then removed by the next daemon, or by systemd with the unit.
   */
  teardown(): boolean {
    for (const s of this.services()) this.remove(s);
    this.kept.closeAll();
    try {
      writeFileSync(`${this.parent}/cgroup.procs`, `${process.pid}\n`);
    } catch {
      return false;
    }
    rmdirQuietly(`${this.root}/${DAEMON_LEAF}`);
    return rmdirQuietly(this.root);
  }
}

/** `dir` and every cgroup below it, parents before children ([] when `dir` is gone). */
function cgroupsUnder(dir: string): string[] {
  let children: string[];
  try {
    children = readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? [`${dir}/${d.name}`] : []));
  } catch {
    return [];
  }
  return [dir, ...children.flatMap(cgroupsUnder)];
}

/** Enables controller `c` for the children of `dir` (a no-op when it already is). */
function enable(dir: string, c: string): void {
  if (readOr(`${dir}/cgroup.subtree_control`, "").split(/\s+/).includes(c)) return;
  writeFileSync(`${dir}/cgroup.subtree_control`, `+${c}`);
}

function rmdirQuietly(dir: string): boolean {
  try {
    rmdirSync(dir);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ENOENT";
  }
}

function readOr(path: string, fallback: string): string {
  return readOrUndefined(path) ?? fallback;
}
