import { describe, expect, test } from "bun:test";
import { sshFailure } from "../../src/remote/ssh-failure.ts";

describe("sshFailure tells the parts apart", () => {
  test("255 is ssh's own failure, with its last words", () => {
    const err = sshFailure("ssh://web1", { code: 255, stderr: "Warning: Permanently added 'x' to the list of known hosts.\nssh: connect to host web1 port 22: Connection refused\n" }, "canopy");
    expect([err?.error_type, err?.exitCode, err?.message]).toEqual(["ssh_failed", 4, "ssh to ssh://web1 failed: ssh: connect to host web1 port 22: Connection refused"]);
  });

  test("127 and 126: no canopy to run there", () => {
    for (const code of [127, 126]) {
      const err = sshFailure("web1", { code, stderr: "bash: line 1: canopy: command not found\n" }, "canopy");
      expect([err?.error_type, err?.exitCode, err?.message]).toEqual([
        "remote_canopy_missing",
        5,
        "web1 has no `canopy` to run (bash: line 1: canopy: command not found): install canopy there, or set CANOPY_REMOTE_COMMAND to its path",
      ]);
    }
  });

  test("any other exit is canopy's own answer", () => {
    expect(sshFailure("web1", { code: 3, stderr: "canopy: no daemon\n" }, "canopy")).toBeUndefined();
    expect(sshFailure("web1", { code: 0, stderr: "" }, "canopy")).toBeUndefined();
  });
});
