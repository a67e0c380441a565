/** Deciding how a root daemon runs a command as another account (pure: the facts are read in privileges.ts). */

/** The ids and groups to switch to. */
export interface TargetAccount {
  name: string;
  uid: number;
  gid: number;
  /** Supplementary gids (set exactly: an empty list clears them). */
  groups: number[];
}

/** Bits of CapEff (linux/capability.h) that switching ids and groups takes. */
export const CAP_SETGID = 6;
export const CAP_SETUID = 7;
/** Bits that lowering a niceness and raising a hard resource limit take. */
export const CAP_SYS_NICE = 23;
export const CAP_SYS_RESOURCE = 24;

/** True when the `CapEff:` line of /proc/PID/status text holds every capability in `caps`. */
export function hasEffectiveCaps(statusText: string, caps: number[]): boolean {
  const hex = /^CapEff:\s*([0-9a-fA-F]+)\s*$/m.exec(statusText)?.[1];
  if (hex === undefined) return false;
  const set = BigInt(`0x${hex}`);
  return caps.every((cap) => ((set >> BigInt(cap)) & 1n) === 1n);
}

/** True when `id` falls in a range of /proc/PID/uid_map or gid_map text (`inside outside count` lines). */
export function idMapped(mapText: string, id: number): boolean {
  return mapText.split("\n").some((line) => {
    const [inside, , count] = line.trim().split(/\s+/).map(Number);
    return inside !== undefined && count !== undefined && Number.isFinite(inside) && Number.isFinite(count) && id >= inside && id < inside + count;
  });
}

/**
 * `cmd` run through setpriv (util-linux) as `account`: gid, supplementary groups and uid are set
 * before it execs `cmd` in the same process (same pid, same process group); any failure there
 * makes setpriv exit without running `cmd`.
 */
export function setprivArgv(setpriv: string, account: TargetAccount, cmd: string[]): string[] {
  const groups = account.groups.length > 0 ? `--groups=${account.groups.join(",")}` : "--clear-groups";
  return [setpriv, `--reuid=${account.uid}`, `--regid=${account.gid}`, groups, "--", ...cmd];
}
