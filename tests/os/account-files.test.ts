import { expect, test } from "bun:test";
import { parseGroup, parsePasswd } from "../../src/os/account-files.ts";

test("parsePasswd: name, ids, home and shell; comments, NIS lines and malformed lines skipped", () => {
  const text = [
    "root:x:0:0:root:/root:/bin/bash",
    "# a comment",
    "",
    "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin",
    "+nisuser::::::",
    "broken:x:notanumber:1:::",
    "short:x:1:1",
    "app:x:1001:1001:App,,,:/srv/app:",
  ].join("\n");
  expect(parsePasswd(text)).toEqual([
    { name: "root", uid: 0, gid: 0, home: "/root", shell: "/bin/bash" },
    { name: "nobody", uid: 65534, gid: 65534, home: "/nonexistent", shell: "/usr/sbin/nologin" },
    { name: "app", uid: 1001, gid: 1001, home: "/srv/app", shell: "" },
  ]);
});

test("parseGroup: name, gid and members", () => {
  expect(parseGroup("root:x:0:\nnogroup:x:65534:\nwww:x:33:app,nobody\n-nis::::\nbad:x:y:z\n")).toEqual([
    { name: "root", gid: 0, members: [] },
    { name: "nogroup", gid: 65534, members: [] },
    { name: "www", gid: 33, members: ["app", "nobody"] },
  ]);
});
