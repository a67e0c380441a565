import { describe, expect, test } from "bun:test";
import { remoteCanopyLine, shellQuote, sshArgv, sshSettings } from "../../src/remote/ssh-command.ts";

describe("ssh command lines", () => {
  test("the user's ssh (or CANOPY_SSH), the target's port and user, then the remote line", () => {
    const settings = sshSettings({ CANOPY_SSH: " ssh  -F /tmp/cfg " });
    expect(settings).toEqual({ ssh: ["ssh", "-F", "/tmp/cfg"], remoteCanopy: "canopy" });
    expect(sshArgv(settings, { label: "x", host: "web1", user: "me", port: 2222 }, ["-L", "a:b"], "canopy status")).toEqual([
      "ssh", "-F", "/tmp/cfg", "-L", "a:b", "-p", "2222", "-l", "me", "--", "web1", "canopy status",
    ]);
    expect(sshArgv(sshSettings({}), { label: "web1", host: "web1" }, [], "x")).toEqual(["ssh", "--", "web1", "x"]);
  });

  test("arguments reach the remote shell exactly; the remote canopy is a snippet taken as is", () => {
    const settings = sshSettings({ CANOPY_REMOTE_COMMAND: "/opt/canopy/bin/canopy" });
    expect(remoteCanopyLine(settings, ["-c", "/srv/my app/canopy.yaml", "logs", "it's", "$HOME", "a;b"])).toBe(
      `/opt/canopy/bin/canopy -c '/srv/my app/canopy.yaml' logs 'it'\\''s' '$HOME' 'a;b'`,
    );
    expect(shellQuote("")).toBe("''");
  });

  test("the quoting survives a real shell", () => {
    const args = ["a b", "it's", "$HOME", "`x`", "\\", "*", "\n"];
    const line = ["printf", shellQuote("%s\\0"), ...args.map(shellQuote)].join(" ");
    const out = Bun.spawnSync(["/bin/sh", "-c", line]).stdout.toString();
    expect(out.split("\0").slice(0, -1)).toEqual(args);
  });
});
