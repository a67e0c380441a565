/** readerGone against the kernel: a real FIFO whose read end is open, then closed. */
import { afterEach, expect, test } from "bun:test";
import { closeSync, constants, mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readerGone } from "../../src/os/reader-gone.ts";

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

test("a pipe's writer learns that its reader left, without writing", () => {
  dir = mkdtempSync(join(tmpdir(), "canopy-reader-"));
  const fifo = join(dir, "fifo");
  expect(Bun.spawnSync(["mkfifo", fifo]).exitCode).toBe(0);
  const readEnd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  const writeEnd = openSync(fifo, constants.O_WRONLY);
  try {
    expect(readerGone(writeEnd)).toBe(false);
    closeSync(readEnd);
    expect(readerGone(writeEnd)).toBe(true);
  } finally {
    closeSync(writeEnd);
  }
});

test("a regular file always has its reader", () => {
  dir = mkdtempSync(join(tmpdir(), "canopy-reader-"));
  const fd = openSync(join(dir, "out"), "w");
  try {
    expect(readerGone(fd)).toBe(false);
  } finally {
    closeSync(fd);
  }
});
