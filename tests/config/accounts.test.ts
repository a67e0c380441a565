import { describe, expect, test } from "bun:test";
import { accountEnv, resolveRunAs } from "../../src/config/accounts.ts";
import type { AccountDb } from "../../src/os/account-files.ts";

const users = [
  { name: "root", uid: 0, gid: 0, home: "/root", shell: "/bin/bash" },
  { name: "app", uid: 1001, gid: 1001, home: "/srv/app", shell: "/bin/sh" },
  { name: "2000", uid: 3000, gid: 1001, home: "/x", shell: "/bin/sh" },
];
const groups = [
  { name: "root", gid: 0, members: [] },
  { name: "app", gid: 1001, members: [] },
  { name: "www", gid: 33, members: ["app", "other"] },
  { name: "logs", gid: 44, members: ["app"] },
  { name: "empty", gid: 55, members: [] },
];
const asRoot: AccountDb = { users, groups, self: { uid: 0, gid: 0 } };
const asApp: AccountDb = { users, groups, self: { uid: 1001, gid: 1001 } };

describe("resolveRunAs", () => {
  test("a user by name: its uid, primary gid, and the groups listing it, as initgroups gives them", () => {
    expect(resolveRunAs({ user: "app" }, asRoot)).toEqual({
      runAs: { user: "app", uid: 1001, group: "app", gid: 1001, groups: [1001, 33, 44], home: "/srv/app", shell: "/bin/sh" },
    });
  });

  test("group replaces the primary group; ids work for both; a name made of digits is a name first", () => {
    expect(resolveRunAs({ user: 1001, group: "empty" }, asRoot)).toMatchObject({ runAs: { user: "app", gid: 55, group: "empty", groups: [55, 33, 44] } });
    expect(resolveRunAs({ user: "app", group: 33 }, asRoot)).toMatchObject({ runAs: { gid: 33, group: "www", groups: [33, 44] } });
    expect(resolveRunAs({ user: "2000" }, asRoot)).toMatchObject({ runAs: { uid: 3000 } });
    expect(resolveRunAs({ user: "0" }, asRoot)).toMatchObject({ runAs: { user: "root", uid: 0 } });
  });

  test("unknown user or group, and group without user, name the field", () => {
    expect(resolveRunAs({ user: "ghost", group: "nope" }, asRoot)).toEqual({
      problems: [
        { field: "user", message: 'no such user: "ghost" is not in /etc/passwd' },
        { field: "group", message: 'no such group: "nope" is not in /etc/group' },
      ],
    });
    expect(resolveRunAs({ user: 4242 }, asRoot)).toEqual({ problems: [{ field: "user", message: "no such user: uid 4242 is not in /etc/passwd" }] });
    expect(resolveRunAs({ group: "www" }, asRoot)).toMatchObject({ problems: [{ field: "group" }] });
  });

  test("a daemon that is not root may name only itself", () => {
    expect(resolveRunAs({ user: "app" }, asApp)).toMatchObject({ runAs: { uid: 1001, gid: 1001 } });
    const other = resolveRunAs({ user: "root" }, asApp);
    expect(other).toMatchObject({ problems: [{ field: "user" }] });
    expect("problems" in other && other.problems[0]?.message).toContain("canopy runs as uid 1001, not root");
    expect(resolveRunAs({ user: "app", group: "www" }, asApp)).toMatchObject({ problems: [{ field: "group" }] });
  });
});

test("accountEnv: what a login sets", () => {
  const r = resolveRunAs({ user: "app" }, asRoot);
  if (!("runAs" in r)) throw new Error("expected an account");
  expect(accountEnv(r.runAs)).toEqual({ HOME: "/srv/app", USER: "app", LOGNAME: "app", SHELL: "/bin/sh" });
});
