import { expect, test } from "bun:test";
import { cookieName, isMutating, isSameOrigin, readCookie, sessionCookie } from "../../src/dashboard/guard.ts";

test("the session cookie is HttpOnly, SameSite=Strict, for the whole site, and named after the port", () => {
  expect(cookieName(7474)).toBe("canopy_dashboard_7474");
  expect(sessionCookie("canopy_dashboard_7474", "abc")).toBe("canopy_dashboard_7474=abc; Path=/; HttpOnly; SameSite=Strict");
});

test("readCookie finds the named cookie among others, and only that name", () => {
  expect(readCookie("a=1; canopy_dashboard_7474=tok; b=2", "canopy_dashboard_7474")).toBe("tok");
  expect(readCookie("canopy_dashboard_74740=other", "canopy_dashboard_7474")).toBeUndefined();
  expect(readCookie("xcanopy_dashboard_7474=other", "canopy_dashboard_7474")).toBeUndefined();
  expect(readCookie(null, "canopy_dashboard_7474")).toBeUndefined();
  expect(readCookie("", "canopy_dashboard_7474")).toBeUndefined();
});

test("a change is same-origin only when Origin is http(s):// plus the Host the browser used", () => {
  expect(isSameOrigin("http://127.0.0.1:7474", "127.0.0.1:7474")).toBe(true);
  // Through `ssh -L 8000:127.0.0.1:7474` the browser's Host and Origin both say 8000.
  expect(isSameOrigin("http://127.0.0.1:8000", "127.0.0.1:8000")).toBe(true);
  for (const [origin, host] of [
    ["http://evil.example", "127.0.0.1:7474"],
    ["http://127.0.0.1:7475", "127.0.0.1:7474"],
    ["null", "127.0.0.1:7474"],
    [null, "127.0.0.1:7474"],
    ["http://127.0.0.1:7474", null],
    ["http://127.0.0.1:7474/", "127.0.0.1:7474"],
    ["http://", ""],
  ] as const) {
    expect({ origin, host, ok: isSameOrigin(origin, host) }).toEqual({ origin, host, ok: false });
  }
});

test("only GET and HEAD count as reading", () => {
  expect(["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"].map(isMutating)).toEqual([false, false, true, true, true, true]);
});
