/** Compares a secret a client sent with the expected one in constant time, in its content and its length. */

/** The SHA-256 of a token: what `tokenMatches` compares against. */
export function tokenDigest(token: string): Buffer {
  return new Bun.CryptoHasher("sha256").update(token, "utf8").digest();
}

/**
 * True when `given` is the token whose digest is `expected`. Both sides are hashed to equal
 * lengths and compared with `crypto.timingSafeEqual`; a missing token is hashed too, so every
 * refusal costs the same.
 */
export function tokenMatches(given: string | undefined, expected: Buffer): boolean {
  return crypto.timingSafeEqual(tokenDigest(given ?? ""), expected) && given !== undefined;
}
