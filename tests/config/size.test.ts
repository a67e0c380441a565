import { describe, expect, test } from "bun:test";
import { parseSize } from "../../src/config/size.ts";

describe("parseSize", () => {
  test.each([
    ["10MB", 10 * 1024 * 1024],
    ["512KB", 512 * 1024],
    ["1GB", 1024 ** 3],
    ["1gb", 1024 ** 3],
    ["2M", 2 * 1024 * 1024],
    ["1.5KB", 1536],
    ["3 MiB", 3 * 1024 * 1024],
    ["100B", 100],
    ["4096", 4096],
    [2048, 2048],
  ] as const)("%p → %p bytes", (input, bytes) => {
    expect(parseSize(input)).toBe(bytes);
  });

  test.each([["10XB"], ["-1MB"], ["MB"], [""], ["ten MB"]])("rejects %p", (input) => {
    expect(() => parseSize(input)).toThrow(`expected a size like 512KB, 10MB or 1GB, got ${JSON.stringify(input)}`);
  });

  test.each([[-5], [Number.NaN], [false], [null]])("rejects %p", (input) => {
    expect(() => parseSize(input)).toThrow("expected a size like 512KB, 10MB or 1GB");
  });
});
