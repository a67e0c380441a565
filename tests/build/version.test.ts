/** src/version.ts run from source: version from package.json, commit from git only when asked. */

import { expect, test } from "bun:test";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pkg from "../../package.json";
import { COMMIT, commit, VERSION, versionString } from "../../src/version.ts";

const ROOT = join(import.meta.dir, "..", "..");

test("from source, VERSION is package.json's and versionString() carries the checkout's short HEAD", () => {
  const head = Bun.spawnSync(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"]).stdout.toString().trim();
  expect(head).toMatch(/^[0-9a-f]{4,40}$/);
  expect(VERSION).toBe(pkg.version);
  expect(COMMIT).toBe("dev");
  expect(commit()).toBe(head);
  expect(versionString()).toBe(`canopy ${pkg.version} (${head})`);
});

test("importing src/version.ts runs no git; versionString() asks it once and says dev when it fails", async () => {
  const dir = mkdtempSync(join(tmpdir(), "canopy-version-"));
  try {
    // A stand-in git that leaves a mark per call and fails.
    const marks = join(dir, "git-calls");
    writeFileSync(join(dir, "git"), `#!/bin/sh\necho call >> '${marks}'\nexit 1\n`);
    chmodSync(join(dir, "git"), 0o755);
    const src = JSON.stringify(join(ROOT, "src/version.ts"));
    const script = [
      `import { existsSync } from "node:fs";`,
      `import { versionString, VERSION } from ${src};`,
      `console.log(VERSION, existsSync(${JSON.stringify(marks)}));`,
      `console.log(versionString());`,
      `console.log(versionString());`,
    ].join("\n");
    const proc = Bun.spawn([process.execPath, "-e", script], { env: { PATH: `${dir}:/usr/bin:/bin` }, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    const [stdout, stderr, code] = await Promise.all([proc.stdout.text(), proc.stderr.text(), proc.exited]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toBe(`${pkg.version} false\ncanopy ${pkg.version} (dev)\ncanopy ${pkg.version} (dev)\n`);
    expect(readFileSync(marks, "utf8")).toBe("call\n");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
