/** /etc/passwd and /etc/group text → entries (pure: src/os/accounts.ts reads the files). */

/** One line of /etc/passwd. */
export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

/** One line of /etc/group. */
export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

/** The accounts a config is checked against, and who is checking (the daemon's own ids). */
export interface AccountDb {
  users: PasswdEntry[];
  groups: GroupEntry[];
  self: { uid: number; gid: number };
}

const ID_RE = /^\d+$/;

/** Parses /etc/passwd; comments, NIS `+`/`-` lines and malformed lines are skipped. */
export function parsePasswd(text: string): PasswdEntry[] {
  return fields(text, 7).flatMap(([name, , uid, gid, , home, shell]) =>
    ID_RE.test(uid as string) && ID_RE.test(gid as string)
      ? [{ name: name as string, uid: Number(uid), gid: Number(gid), home: home as string, shell: shell as string }]
      : [],
  );
}

/** Parses /etc/group; members are the comma-separated fourth field. */
export function parseGroup(text: string): GroupEntry[] {
  return fields(text, 4).flatMap(([name, , gid, members]) =>
    ID_RE.test(gid as string) ? [{ name: name as string, gid: Number(gid), members: (members as string).split(",").filter((m) => m !== "") }] : [],
  );
}

function fields(text: string, count: number): string[][] {
  return text.split("\n").flatMap((line) => {
    const l = line.trimEnd();
    if (l === "" || l.startsWith("#") || l.startsWith("+") || l.startsWith("-")) return [];
    const parts = l.split(":");
    return parts.length === count && parts[0] !== "" ? [parts] : [];
  });
}
