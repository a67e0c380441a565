/**
 * Running a command as another account. Bun.spawn's `uid`/`gid` clear the supplementary groups
 * (it calls setgroups(0)) and Bun cannot run code between fork and exec, so the switch is made
 * by setpriv, exec'd as the child itself (see privilege-drop.ts). What would make setpriv fail
 * is checked here first, so such a spawn fails at once, with a reason, instead of as a crash.
 */
import { readOrUndefined } from "./proc-info.ts";
import { CAP_SETGID, CAP_SETUID, hasEffectiveCaps, idMapped, setprivArgv, type TargetAccount } from "./privilege-drop.ts";

/** Where setpriv is looked for: the system folders, whatever the daemon's PATH. */
const SYSTEM_PATH = "/usr/bin:/bin:/usr/sbin:/sbin:/usr/local/bin";

/** A spawn refused because the process could not run as the account asked for; `code` is the StartError type. */
export class PrivilegeDropError extends Error {
  readonly code = "privilege_drop_failed";
}

/** The argv that runs `cmd` as `account`: `cmd` itself when this process already is that account. Throws PrivilegeDropError. */
export function argvAs(account: TargetAccount, cmd: string[]): string[] {
  const euid = process.geteuid?.();
  if (euid === account.uid && process.getegid?.() === account.gid) return cmd;
  const refuse = (why: string): never => {
    throw new PrivilegeDropError(`cannot run as ${account.name} (uid ${account.uid}, gid ${account.gid}): ${why}; not started`);
  };
  if (process.platform !== "linux") refuse("switching users is supported on Linux only");
  if (euid !== 0) refuse(`canopy runs as uid ${euid}, not root`);
  const status = readOrUndefined("/proc/self/status") ?? "";
  if (!hasEffectiveCaps(status, [CAP_SETUID, CAP_SETGID])) refuse("canopy lacks CAP_SETUID/CAP_SETGID (a capability bounding set or container drops them)");
  const uidMap = readOrUndefined("/proc/self/uid_map") ?? "";
  const gidMap = readOrUndefined("/proc/self/gid_map") ?? "";
  if (uidMap !== "" && !idMapped(uidMap, account.uid)) refuse(`uid ${account.uid} is not mapped in canopy's user namespace`);
  for (const gid of [account.gid, ...account.groups]) {
    if (gidMap !== "" && !idMapped(gidMap, gid)) refuse(`gid ${gid} is not mapped in canopy's user namespace`);
  }
  const setpriv = Bun.which("setpriv", { PATH: SYSTEM_PATH });
  if (!setpriv) refuse("setpriv was not found in /usr/bin or /bin (install util-linux)");
  return setprivArgv(setpriv as string, account, cmd);
}
