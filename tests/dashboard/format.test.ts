import { expect, test } from "bun:test";
import { formatBytes, formatClock, formatPercent, formatUptime } from "../../src/dashboard/page/format.ts";

test("bytes, percent and uptime read as a person would write them; unknown is a dash", () => {
  expect([formatBytes(512), formatBytes(1536), formatBytes(50 * 1024 * 1024), formatBytes(null)]).toEqual(["512 B", "1.5 KiB", "50.0 MiB", "—"]);
  expect([formatPercent(0.42), formatPercent(12.4), formatPercent(null)]).toEqual(["0.4%", "12%", "—"]);
  const start = "2026-12-05T08:00:00.000Z";
  const t = Date.parse(start);
  expect([0, 42_000, 187_000, 7_500_000, 3 * 86_400_000 + 4 * 3_600_000].map((d) => formatUptime(start, t + d))).toEqual([
    "0s",
    "42s",
    "3m 07s",
    "2h 05m",
    "3d 4h",
  ]);
  expect(formatUptime(null, t)).toBe("—");
});

test("formatClock gives HH:MM:SS, and leaves what is not a time as it is", () => {
  expect(formatClock("2026-12-05T08:00:07.000Z")).toMatch(/^\d\d:\d\d:07$/);
  expect(formatClock("not a time")).toBe("not a time");
});
