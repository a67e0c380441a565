/** `user:` / `group:` → who a service runs as, resolved against parsed account files (pure: they are read in src/os/accounts.ts). */
import type { AccountDb } from "../os/account-files.ts";
import type { RunAs } from "./types.ts";

/** `user:` or `group:` as written: a name or a numeric id. */
export type AccountSpec = string | number;

const ID_RE = /^\d+$/;

/** What resolveRunAs found wrong, by field (`user` or `group`). */
export interface AccountProblem {
  field: "user" | "group";
  message: string;
}

/**
 * Resolves `user` (and `group`, which replaces the user's primary group) against `db`. The
 * supplementary groups are those initgroups(3) would give: the primary group and every group
 * listing the user as a member. A daemon that is not root may only name itself.
 */
export function resolveRunAs(spec: { user?: AccountSpec; group?: AccountSpec }, db: AccountDb): { runAs: RunAs } | { problems: AccountProblem[] } {
  if (spec.user === undefined) {
    return { problems: [{ field: "group", message: "needs user: set the user the service runs as (group replaces that user's primary group)" }] };
  }
  const problems: AccountProblem[] = [];
  const user = findAccount(db.users, spec.user, (u) => u.uid);
  if (!user) problems.push({ field: "user", message: `no such user: ${describeSpec(spec.user, "uid")} is not in /etc/passwd` });
  const group = spec.group === undefined ? undefined : findAccount(db.groups, spec.group, (g) => g.gid);
  if (spec.group !== undefined && !group) problems.push({ field: "group", message: `no such group: ${describeSpec(spec.group, "gid")} is not in /etc/group` });
  if (!user || problems.length > 0) return { problems };

  const gid = group?.gid ?? user.gid;
  const { self } = db;
  if (self.uid !== 0 && user.uid !== self.uid) {
    problems.push({ field: "user", message: `canopy runs as uid ${self.uid}, not root, so it cannot run a service as ${user.name} (uid ${user.uid}); run canopy as root, or leave user out` });
  } else if (self.uid !== 0 && gid !== self.gid) {
    problems.push({ field: spec.group === undefined ? "user" : "group", message: `canopy runs as uid ${self.uid}, not root, so it cannot switch to gid ${gid}; run canopy as root, or leave group out` });
  }
  if (problems.length > 0) return { problems };
  const groups = [...new Set([gid, ...db.groups.filter((g) => g.members.includes(user.name)).map((g) => g.gid)])];
  return {
    runAs: {
      user: user.name,
      uid: user.uid,
      group: group?.name ?? db.groups.find((g) => g.gid === gid)?.name ?? String(gid),
      gid,
      groups,
      home: user.home,
      shell: user.shell,
    },
  };
}

/** By name; a number (or all-digit text with no such name) by id. */
function findAccount<T extends { name: string }>(entries: T[], spec: AccountSpec, idOf: (e: T) => number): T | undefined {
  if (typeof spec === "string") {
    const byName = entries.find((e) => e.name === spec);
    if (byName || !ID_RE.test(spec)) return byName;
  }
  return entries.find((e) => idOf(e) === Number(spec));
}

function describeSpec(spec: AccountSpec, id: string): string {
  return typeof spec === "number" ? `${id} ${spec}` : JSON.stringify(spec);
}

/** The variables a login would set for the account; `env:` and `env_file` win over them. */
export function accountEnv(runAs: RunAs): Record<string, string> {
  return { HOME: runAs.home, USER: runAs.user, LOGNAME: runAs.user, SHELL: runAs.shell };
}
