import { describe, expect, test } from "bun:test";
import { CanopyError } from "../../src/errors.ts";
import { parseDuration } from "../../src/config/duration.ts";
import { thrown } from "./tmp.ts";

describe("parseDuration", () => {
  test.each([
    ["250ms", 250],
    ["5s", 5_000],
    ["2m", 120_000],
    ["1h", 3_600_000],
    ["1.5s", 1_500],
    ["1m30s", 90_000],
    [" 5s ", 5_000],
    ["0s", 0],
    ["750", 750],
    [500, 500],
    [0, 0],
    [2.6, 3],
  ] as const)("%p → %p ms", (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });

  test.each([["fast"], ["-5s"], ["5x"], ["5 s"], ["s"], [""], ["1.s"], ["5S"], ["1d"], ["NaN"]])("rejects %p", (input) => {
    const err = thrown(() => parseDuration(input));
    expect(err).toBeInstanceOf(CanopyError);
    expect((err as CanopyError).error_type).toBe("invalid_config");
    expect((err as CanopyError).message).toBe(`expected a duration like 250ms, 5s or 2m, got ${JSON.stringify(input)}`);
  });

  test.each([[-1], [Number.NaN], [Number.POSITIVE_INFINITY], [true], [null], [[5]]])("rejects non-duration value %p", (input) => {
    expect(() => parseDuration(input)).toThrow("expected a duration like 250ms, 5s or 2m");
  });
});
