/** Cgroup checks and clean-up for tests: where a test daemon's subtree is, and removing one a test left behind. */
import { existsSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { readContainmentFacts } from "../../src/os/cgroup/facts.ts";
import { subtreeName } from "../../src/os/cgroup/subtree.ts";

/** The facts a daemon spawned by this test process sees (it starts in our cgroup). */
export const CGROUP_FACTS = readContainmentFacts({});

/** The subtree a daemon with state in `stateDir` makes; undefined where cgroups are off. */
export function subtreeOf(stateDir: string): string | undefined {
  return CGROUP_FACTS.mode === "cgroup" ? `${CGROUP_FACTS.dir}/${subtreeName(stateDir)}` : undefined;
}

/** The cgroup directories under `dir` (its children's names), [] when it does not exist. */
export function childCgroups(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? [d.name] : []));
  } catch {
    return [];
  }
}

/** The pids in a cgroup directory. */
export function cgroupPids(dir: string): number[] {
  try {
    return readFileSync(`${dir}/cgroup.procs`, "utf8").split("\n").filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** The cgroup v2 path of `pid` (`0::` line of /proc/PID/cgroup); undefined when gone. */
export function cgroupOf(pid: number): string | undefined {
  try {
    return /^0::(.*)$/m.exec(readFileSync(`/proc/${pid}/cgroup`, "utf8"))?.[1];
  } catch {
    return undefined;
  }
}

/** Kills what is left in a test daemon's subtree and removes it (a test that SIGKILLed its daemon and did not bring it back). */
export async function removeSubtree(stateDir: string): Promise<void> {
  const root = subtreeOf(stateDir);
  if (!root || !existsSync(root)) return;
  for (const child of childCgroups(root)) {
    const dir = `${root}/${child}`;
    const deadline = Date.now() + 10_000;
    while (cgroupPids(dir).length > 0 && Date.now() < deadline) {
      if (existsSync(`${dir}/cgroup.kill`)) writeFileSync(`${dir}/cgroup.kill`, "1");
      else for (const pid of cgroupPids(dir)) process.kill(pid, "SIGKILL");
      await new Promise((r) => setTimeout(r, 25));
    }
    try {
      rmdirSync(dir);
    } catch {
      // still busy: left for the next run to see
    }
  }
  try {
    rmdirSync(root);
  } catch {
    // as above
  }
}
