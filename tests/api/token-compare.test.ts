import { expect, test } from "bun:test";
import { tokenDigest, tokenMatches } from "../../src/api/token-compare.ts";

test("only the very token matches: not a prefix, a longer one, an empty one or none", () => {
  const expected = tokenDigest("s3cret-token");
  expect(tokenMatches("s3cret-token", expected)).toBe(true);
  for (const wrong of ["s3cret-toke", "s3cret-token2", "S3cret-token", "", " s3cret-token", undefined]) {
    expect(tokenMatches(wrong, expected)).toBe(false);
  }
});

test("a missing token does not match even the digest of the empty string", () => {
  expect(tokenMatches(undefined, tokenDigest(""))).toBe(false);
  expect(tokenMatches("", tokenDigest(""))).toBe(true);
});
