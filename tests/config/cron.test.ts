// Cron parsing and next-run computation alone (src/config/cron.ts), in fixed time zones.
import { afterAll, describe, expect, test } from "bun:test";
import { type Cron, nextRun, parseCron } from "../../src/config/cron.ts";

const savedTz = process.env.TZ;
afterAll(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

function cron(text: string): Cron {
  const c = parseCron(text);
  if ("error" in c) throw new Error(c.error);
  return c;
}

/** The next run after `from` (ISO with offset), as ISO in UTC; `tz` is the local zone. */
function next(text: string, from: string, tz = "UTC"): string | undefined {
  process.env.TZ = tz;
  const at = nextRun(cron(text), Date.parse(from));
  return at === undefined ? undefined : new Date(at).toISOString();
}

describe("parseCron", () => {
  test("fields: lists, ranges, steps, names, 7 as Sunday", () => {
    const c = cron("*/15 9-17/4 1,15 jan-mar mon,7");
    expect([...c.minutes]).toEqual([0, 15, 30, 45]);
    expect([...c.hours]).toEqual([9, 13, 17]);
    expect([...c.days]).toEqual([1, 15]);
    expect([...c.months]).toEqual([1, 2, 3]);
    expect([...c.weekdays].sort()).toEqual([0, 1]);
    expect(c).toMatchObject({ reboot: false, everyHour: false, anyDay: false, anyWeekday: false });
  });

  test("macros expand to their five fields; @reboot never fires on the clock", () => {
    expect(cron("@daily")).toMatchObject({ expression: "@daily", anyDay: true, anyWeekday: true });
    expect([...cron("@hourly").minutes]).toEqual([0]);
    expect(cron("@hourly").everyHour).toBe(true);
    expect([...cron("@weekly").weekdays]).toEqual([0]);
    expect([...cron("@monthly").days]).toEqual([1]);
    expect(cron("@reboot").reboot).toBe(true);
    expect(nextRun(cron("@reboot"), 0)).toBeUndefined();
  });

  test.each([
    ["* * * *", "expected 5 fields (minute hour day-of-month month day-of-week) or a macro such as @daily, got 4"],
    ["60 * * * *", 'minute field "60": 60 is outside 0–59'],
    ["* 24 * * *", 'hour field "24": 24 is outside 0–23'],
    ["* * 0 * *", 'day of month field "0": 0 is outside 1–31'],
    ["* * * foo *", 'month field "foo": "foo" is not a number or a name'],
    ["5-1 * * * *", 'minute field "5-1": range 5-1 runs backwards'],
    ["*/0 * * * *", 'minute field "*/0": a step must be at least 1'],
    ["@sometimes", "unknown macro @sometimes; use @hourly, @daily, @weekly, @monthly, @yearly or @reboot"],
  ])("%s is refused: %s", (text, error) => {
    expect(parseCron(text)).toEqual({ error });
  });
});

describe("nextRun", () => {
  test("every minute: the next whole minute, never the same one", () => {
    expect(next("* * * * *", "2026-05-04T10:00:00Z")).toBe("2026-05-04T10:01:00.000Z");
    expect(next("* * * * *", "2026-05-04T10:00:59.999Z")).toBe("2026-05-04T10:01:00.000Z");
  });

  test("steps, hours, month and year rollover", () => {
    expect(next("*/15 * * * *", "2026-05-04T10:16:00Z")).toBe("2026-05-04T10:30:00.000Z");
    expect(next("0 3 * * *", "2026-05-04T03:00:00Z")).toBe("2026-05-05T03:00:00.000Z");
    expect(next("@monthly", "2026-12-15T00:00:00Z")).toBe("2027-01-01T00:00:00.000Z");
    expect(next("0 0 29 2 *", "2026-03-01T00:00:00Z")).toBe("2028-02-29T00:00:00.000Z");
  });

  test("both day fields restricted: either one matches; one restricted: that one decides", () => {
    // 2026-05-04 is a Monday.
    expect(next("0 12 15 * fri", "2026-05-04T13:00:00Z")).toBe("2026-05-08T12:00:00.000Z");
    expect(next("0 12 * * fri", "2026-05-04T13:00:00Z")).toBe("2026-05-08T12:00:00.000Z");
    expect(next("0 12 5 * *", "2026-05-04T13:00:00Z")).toBe("2026-05-05T12:00:00.000Z");
  });

  test("a date that never comes: undefined", () => {
    expect(next("0 0 30 2 *", "2026-01-01T00:00:00Z")).toBeUndefined();
  });

  test("local time: TZ decides the wall clock", () => {
    expect(next("0 9 * * *", "2026-05-04T00:00:00Z", "Asia/Kolkata")).toBe("2026-05-04T03:30:00.000Z");
    expect(next("0 9 * * *", "2026-05-04T00:00:00Z", "America/New_York")).toBe("2026-05-04T13:00:00.000Z");
  });

  describe("DST in America/New_York (2026-03-08 02:00 → 03:00, 2026-11-01 02:00 → 01:00)", () => {
    const NY = "America/New_York";
    test("spring: a fixed time in the skipped hour runs when the clock jumps, once", () => {
      expect(next("30 2 * * *", "2026-03-08T01:00:00-05:00", NY)).toBe("2026-03-08T07:00:00.000Z"); // 03:00 EDT
      expect(next("30 2 * * *", "2026-03-08T03:00:00-04:00", NY)).toBe("2026-03-09T06:30:00.000Z"); // 02:30 EDT next day
    });

    test("spring: times either side of the gap keep their wall-clock time", () => {
      expect(next("30 1 * * *", "2026-03-08T00:00:00-05:00", NY)).toBe("2026-03-08T06:30:00.000Z");
      expect(next("30 3 * * *", "2026-03-08T00:00:00-05:00", NY)).toBe("2026-03-08T07:30:00.000Z");
    });

    test("autumn: a fixed time in the repeated hour runs once, in its first pass", () => {
      const first = next("30 1 * * *", "2026-11-01T00:00:00-04:00", NY);
      expect(first).toBe("2026-11-01T05:30:00.000Z"); // 01:30 EDT
      expect(next("30 1 * * *", first as string, NY)).toBe("2026-11-02T06:30:00.000Z"); // not 01:30 EST the same day
    });

    test("autumn: a job that runs every hour runs in both passes", () => {
      const first = next("30 * * * *", "2026-11-01T01:00:00-04:00", NY);
      expect(first).toBe("2026-11-01T05:30:00.000Z");
      expect(next("30 * * * *", first as string, NY)).toBe("2026-11-01T06:30:00.000Z"); // 01:30 EST
    });

    test("spring: every 30 minutes reads the clock as it is (no 02:xx)", () => {
      expect(next("*/30 * * * *", "2026-03-08T01:30:00-05:00", NY)).toBe("2026-03-08T07:00:00.000Z");
    });
  });
});
