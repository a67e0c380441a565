import { describe, expect, test } from "bun:test";
import { isCanopyError } from "../../src/errors.ts";
import { hostSpecs, parseSshTarget } from "../../src/remote/ssh-target.ts";
import { thrown } from "../config/tmp.ts";

describe("parseSshTarget", () => {
  test.each([
    ["ssh://web1", { label: "ssh://web1", host: "web1" }],
    ["ssh://deploy@web1.example.com:2222", { label: "ssh://deploy@web1.example.com:2222", host: "web1.example.com", user: "deploy", port: 2222 }],
    ["ssh://root@127.0.0.1:22/", { label: "ssh://root@127.0.0.1:22/", host: "127.0.0.1", user: "root", port: 22 }],
    ["ssh://[::1]:2200", { label: "ssh://[::1]:2200", host: "::1", port: 2200 }],
    ["prod-box", { label: "prod-box", host: "prod-box" }],
    ["me@prod-box", { label: "me@prod-box", host: "prod-box", user: "me" }],
  ])("%s", (spec, target) => {
    expect(parseSshTarget(spec)).toEqual(target);
  });

  test.each([
    ["http://web1", 'only ssh:// is supported, not http://'],
    ["ssh://web1/srv/app", "a path has no meaning here (name the config with -c)"],
    ["ssh://web1:70000", "port 70000 is not from 1 to 65535"],
    ["ssh://-oProxyCommand=x", 'host "-oProxyCommand=x" is not a host name or address'],
    ["ssh://-l@web1", 'user "-l" is not a valid user name'],
    ["ssh://", 'host "" is not a host name or address'],
  ])("%s is refused: %s", (spec, why) => {
    const err = thrown(() => parseSshTarget(spec));
    expect(isCanopyError(err) && [err.error_type, err.message]).toEqual([
      "usage",
      `-H ${JSON.stringify(spec)}: ${why}; expected ssh://[user@]host[:port] or a host from ~/.ssh/config`,
    ]);
  });
});

describe("hostSpecs", () => {
  test("-H wins over CANOPY_HOST, which may list several", () => {
    expect(hostSpecs(["a"], { CANOPY_HOST: "b" })).toEqual(["a"]);
    expect(hostSpecs(undefined, { CANOPY_HOST: " ssh://b, ssh://c d " })).toEqual(["ssh://b", "ssh://c", "d"]);
    expect(hostSpecs([], {})).toEqual([]);
  });
});
