import { afterEach, beforeEach, expect, test } from "bun:test";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readTextIfExists, removeIfPresent } from "../../src/os/quiet-fs.ts";

let dir = "";
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "canopy-quiet-fs-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test("readTextIfExists reads a file, and is undefined for a missing one or a directory", () => {
  writeFileSync(join(dir, "a"), "text\n");
  mkdirSync(join(dir, "d"));
  expect([readTextIfExists(join(dir, "a")), readTextIfExists(join(dir, "missing")), readTextIfExists(join(dir, "d"))]).toEqual(["text\n", undefined, undefined]);
});

test("removeIfPresent removes a file and a dangling link, and does nothing for a missing path", () => {
  writeFileSync(join(dir, "a"), "");
  symlinkSync(join(dir, "nowhere"), join(dir, "link"));
  for (const name of ["a", "link", "missing"]) removeIfPresent(join(dir, name));
  expect([existsSync(join(dir, "a")), lstatSync(join(dir, "link"), { throwIfNoEntry: false }), existsSync(dir)]).toEqual([false, undefined, true]);
  expect(() => removeIfPresent(join(dir, "link"))).not.toThrow();
});
