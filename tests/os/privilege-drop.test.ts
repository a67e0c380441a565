import { expect, test } from "bun:test";
import { CAP_SETGID, CAP_SETUID, hasEffectiveCaps, idMapped, setprivArgv } from "../../src/os/privilege-drop.ts";

const status = (capEff: string) => `Name:\tbun\nCapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\nCapEff:\t${capEff}\nCapBnd:\t000001ffffffffff\n`;

test("hasEffectiveCaps reads the CapEff bits", () => {
  expect(hasEffectiveCaps(status("000001ffffffffff"), [CAP_SETUID, CAP_SETGID])).toBe(true);
  expect(hasEffectiveCaps(status("00000000000000c0"), [CAP_SETUID, CAP_SETGID])).toBe(true);
  expect(hasEffectiveCaps(status("0000000000000040"), [CAP_SETUID, CAP_SETGID])).toBe(false);
  expect(hasEffectiveCaps(status("000001ffffffff3f"), [CAP_SETUID])).toBe(false);
  expect(hasEffectiveCaps(status("0000000000000000"), [CAP_SETGID])).toBe(false);
  expect(hasEffectiveCaps("Name:\tx\n", [CAP_SETUID])).toBe(false);
});

test("idMapped: inside a range of uid_map / gid_map", () => {
  const whole = "         0          0 4294967295\n";
  expect(idMapped(whole, 65534)).toBe(true);
  const container = "0 100000 65536\n";
  expect(idMapped(container, 65535)).toBe(true);
  expect(idMapped(container, 65536)).toBe(false);
  expect(idMapped("0 1000 1\n", 65534)).toBe(false);
  expect(idMapped("", 0)).toBe(false);
});

test("setprivArgv: gid, the exact supplementary groups (cleared when none) and uid, then the command as given", () => {
  const account = { name: "nobody", uid: 65534, gid: 65534, groups: [65534, 33] };
  expect(setprivArgv("/usr/bin/setpriv", account, ["sh", "-c", "echo --help"])).toEqual([
    "/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--groups=65534,33", "--", "sh", "-c", "echo --help",
  ]);
  expect(setprivArgv("/bin/setpriv", { ...account, groups: [] }, ["x"])).toEqual(["/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--", "x"]);
});
