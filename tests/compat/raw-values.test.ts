import { describe, expect, test } from "bun:test";
import { formatCommand, formatDuration, formatPath, formatSize } from "../../src/compat/raw-values.ts";
import { parseDuration } from "../../src/config/duration.ts";
import { parseSize } from "../../src/config/size.ts";

describe("formatDuration", () => {
  test.each([
    [0, "0s"], [1, "1ms"], [250, "250ms"], [1_500, "1500ms"], [1_000, "1s"], [90_000, "90s"], [120_000, "2m"], [7_200_000, "2h"], [5_400_000, "90m"],
  ])("%d → %s, which parses back", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
    expect(parseDuration(text)).toBe(ms);
  });
});

describe("formatSize", () => {
  test.each([[1024, "1KB"], [5 * 1024 ** 2, "5MB"], [1536, "1536"], [1024 ** 4, "1TB"], [1000, 1000]] as const)("%d → %p", (bytes, out) => {
    const text = formatSize(bytes);
    expect(String(text)).toBe(String(out));
    expect(parseSize(text)).toBe(bytes);
  });
});

describe("formatCommand", () => {
  test("sh -c with one line becomes the line; anything else stays a list (a copy)", () => {
    expect(formatCommand(["/bin/sh", "-c", "a && b"])).toBe("a && b");
    const argv = ["/bin/sh", "-c", "a", "extra"];
    expect(formatCommand(argv)).toEqual(argv);
    expect(formatCommand(argv)).not.toBe(argv);
    expect(formatCommand(["bun", "x.ts"])).toEqual(["bun", "x.ts"]);
    expect(formatCommand(["sh", "-c", "a"])).toEqual(["sh", "-c", "a"]);
  });
});

describe("formatPath", () => {
  test("relative inside the folder, absolute outside", () => {
    expect(formatPath("/proj", "/proj")).toBe(".");
    expect(formatPath("/proj/api/v1", "/proj")).toBe("api/v1");
    expect(formatPath("/srv/shared", "/proj")).toBe("/srv/shared");
    expect(formatPath("/project-b", "/proj")).toBe("/project-b");
  });
});
