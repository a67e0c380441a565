/** Reads the account databases a `user:` is resolved against (the files, not NSS: LDAP and the like are not consulted). */
import { readFileSync } from "node:fs";
import { type AccountDb, parseGroup, parsePasswd } from "./account-files.ts";

/** /etc/passwd, /etc/group and this process's effective ids. A file that cannot be read counts as empty. */
export function readAccountDb(): AccountDb {
  return {
    users: parsePasswd(readOr("/etc/passwd")),
    groups: parseGroup(readOr("/etc/group")),
    self: { uid: process.geteuid?.() ?? 0, gid: process.getegid?.() ?? 0 },
  };
}

function readOr(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}
