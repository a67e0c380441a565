import { describe, expect, test } from "bun:test";
import { isIP } from "node:net";
import { ipFamily, isLoopbackHost, parseListen } from "../../src/config/listen.ts";

describe("parseListen", () => {
  test.each([
    ["127.0.0.1:7070", { host: "127.0.0.1", port: 7070 }],
    ["localhost:1", { host: "localhost", port: 1 }],
    ["[::1]:65535", { host: "::1", port: 65535 }],
    ["0.0.0.0:80", { host: "0.0.0.0", port: 80 }],
    ["box.internal:9000", { host: "box.internal", port: 9000 }],
  ])("%s", (text, want) => {
    expect(parseListen(text)).toEqual(want);
  });

  test.each([
    ["7070"], [":7070"], ["127.0.0.1"], ["127.0.0.1:0"], ["127.0.0.1:65536"], ["127.0.0.1:70x"], ["::1:7070"],
    ["[127.0.0.1]:7070"], ["[::1]"], ["host name:80"], ["http://127.0.0.1:80"], ["-bad-:80"], ["[zz::1]:80"],
  ])("%s is refused", (text) => {
    expect(parseListen(text)).toBeUndefined();
  });
});

describe("isLoopbackHost", () => {
  test.each([["localhost"], ["LOCALHOST"], ["127.0.0.1"], ["127.1.2.3"], ["::1"], ["0:0:0:0:0:0:0:1"], ["::ffff:127.0.0.1"]])("%s is loopback", (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  test.each([["0.0.0.0"], ["10.0.0.1"], ["128.0.0.1"], ["::"], ["::2"], ["::ffff:10.0.0.1"], ["example.com"], ["localhost.example.com"]])(
    "%s is not loopback",
    (host) => {
      expect(isLoopbackHost(host)).toBe(false);
    },
  );
});

describe("ipFamily", () => {
  test("agrees with node:net's isIP on addresses, near-misses and names", () => {
    const cases = [
      "127.0.0.1", "0.0.0.0", "255.255.255.255", "256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.04", " 1.2.3.4", "1.2.3.4 ",
      "::1", "::", "fe80::1", "2001:db8::8a2e:370:7334", "::ffff:127.0.0.1", "1::2::3", "12345::1", "fe80::1%eth0", "fe80::1%", "::1%a%b", "[::1]", ":::",
      "localhost", "example.com", "", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", "::ffff:7f00:1", "g::1",
    ];
    expect(cases.map((c) => `${c} ${ipFamily(c)}`)).toEqual(cases.map((c) => `${c} ${isIP(c)}`));
  });
});
