import { expect, test } from "bun:test";
import { randomHex } from "../../src/os/random-hex.ts";

test("randomHex gives 2 × n lowercase hex digits, different each call", () => {
  const tokens = Array.from({ length: 50 }, () => randomHex(16));
  for (const t of tokens) expect(t).toMatch(/^[0-9a-f]{32}$/);
  expect(new Set(tokens).size).toBe(50);
  expect(randomHex(6)).toMatch(/^[0-9a-f]{12}$/);
});
