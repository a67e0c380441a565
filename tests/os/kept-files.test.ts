/** Kernel files kept open and read again from the start: real /proc files of real processes. */
import { expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KeptFiles } from "../../src/os/kept-files.ts";

test("a kept /proc file is generated afresh at each read, and closed once its process is gone", async () => {
  const kept = new KeptFiles(8);
  const child = Bun.spawn(["sleep", "1000"], { stdin: "ignore" });
  const path = `/proc/${child.pid}/stat`;
  const first = kept.text(path);
  expect(first).toStartWith(`${child.pid} (sleep) `);
  expect(kept.size).toBe(1);
  // Read again through the same descriptor: still the whole file, from its start.
  expect(kept.text(path)).toStartWith(`${child.pid} (sleep) `);
  expect(kept.size).toBe(1);
  child.kill("SIGKILL");
  await child.exited;
  // Reaped: the kept descriptor fails, the path no longer opens, nothing stays kept.
  expect(kept.text(path)).toBeUndefined();
  expect(kept.size).toBe(0);
});

test("past its budget a read opens and closes; closeIn and closeAll give the descriptors back", () => {
  const dir = mkdtempSync(join(tmpdir(), "canopy-kept-"));
  try {
    for (const name of ["a", "b", "c"]) writeFileSync(join(dir, name), `${name}\n`);
    mkdirSync(join(dir, "inner"));
    writeFileSync(join(dir, "inner", "d"), "d\n");
    const kept = new KeptFiles(3);
    expect(["a", "b", "inner/d", "c"].map((n) => kept.text(join(dir, n)))).toEqual(["a\n", "b\n", "d\n", "c\n"]);
    expect(kept.size).toBe(3);
    expect(kept.text(join(dir, "missing"))).toBeUndefined();
    expect(kept.size).toBe(3);
    kept.closeIn("/elsewhere");
    expect(kept.size).toBe(3);
    // Only the files directly in it: inner/d stays kept, and goes with its own directory.
    kept.closeIn(dir);
    expect(kept.size).toBe(1);
    kept.closeIn(join(dir, "inner"));
    expect(kept.size).toBe(0);
    expect(kept.text(join(dir, "c"))).toBe("c\n");
    kept.closeAll();
    expect(kept.size).toBe(0);

    const none = new KeptFiles(0);
    expect(none.text(join(dir, "a"))).toBe("a\n");
    expect(none.size).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a file larger than the shared buffer is read whole", () => {
  const dir = mkdtempSync(join(tmpdir(), "canopy-kept-"));
  try {
    const big = `${"x".repeat(99)}\n`.repeat(2000);
    writeFileSync(join(dir, "big"), big);
    const kept = new KeptFiles(4);
    expect(kept.text(join(dir, "big"))).toBe(big);
    expect(kept.text(join(dir, "big"))).toBe(big);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
