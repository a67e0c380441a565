import { expect, test } from "bun:test";
import { baseUrl, parseDashboardListen } from "../../src/dashboard/listen.ts";

test("--listen: loopback by default on 7474, port 0 for a free one, other addresses flagged", () => {
  expect(parseDashboardListen(undefined)).toEqual({ host: "127.0.0.1", port: 7474, loopback: true });
  expect(parseDashboardListen("127.0.0.1:0")).toEqual({ host: "127.0.0.1", port: 0, loopback: true });
  expect(parseDashboardListen("[::1]:9000")).toEqual({ host: "::1", port: 9000, loopback: true });
  expect(parseDashboardListen("0.0.0.0:7474")).toEqual({ host: "0.0.0.0", port: 7474, loopback: false });
  expect(parseDashboardListen("192.168.1.5:80")).toEqual({ host: "192.168.1.5", port: 80, loopback: false });
});

test("--listen refuses what is not HOST:PORT, as a usage error", () => {
  for (const bad of ["7474", "127.0.0.1", "127.0.0.1:70000", ":7474", "::1:7474", "127.0.0.1:-1"]) {
    expect(() => parseDashboardListen(bad)).toThrow(expect.objectContaining({ error_type: "usage" }));
  }
});

test("baseUrl brackets IPv6 hosts", () => {
  expect(baseUrl("127.0.0.1", 7474)).toBe("http://127.0.0.1:7474");
  expect(baseUrl("::1", 7474)).toBe("http://[::1]:7474");
});
