/** Reads the account databases a `user:` is resolved against (the files, not NSS: LDAP and the like are not consulted). */
import { readOrUndefined } from "./proc-info.ts";
import { type AccountDb, parseGroup, parsePasswd } from "./account-files.ts";

/** /etc/passwd, /etc/group and this process's effective ids. A file that cannot be read counts as empty. */
export function readAccountDb(): AccountDb {
  return {
    users: parsePasswd(readOrUndefined("/etc/passwd") ?? ""),
    groups: parseGroup(readOrUndefined("/etc/group") ?? ""),
    self: { uid: process.geteuid?.() ?? 0, gid: process.getegid?.() ?? 0 },
  };
}
