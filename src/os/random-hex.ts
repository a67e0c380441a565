/**
 * Random hex digits, read from /dev/urandom. Not crypto.randomUUID(): its generator pages in
 * about 200 KiB of code a daemon needs for nothing else (measured on its RSS), and these
 * tokens are only ever read once, at start.
 */
import { closeSync, openSync, readSync } from "node:fs";

/** `bytes` random bytes as 2 × `bytes` lowercase hex digits. */
export function randomHex(bytes: number): string {
  const buf = Buffer.alloc(bytes);
  const fd = openSync("/dev/urandom", "r");
  try {
    for (let got = 0; got < bytes; ) got += readSync(fd, buf, got, bytes - got, null);
  } finally {
    closeSync(fd);
  }
  return buf.toString("hex");
}
