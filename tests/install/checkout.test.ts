/** install.sh run from a source checkout: builds with the checkout's own Bun (a stand-in here) instead of downloading. */

import { afterAll, afterEach, beforeEach, describe, expect, test } from "bun:test";
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  cleanupTempDirs,
  type FakeRelease,
  fakeCanopy,
  INSTALL_SH,
  installEnv,
  lines,
  publish,
  run,
  type Sandbox,
  sandbox,
  serveRelease,
  shells,
  versionOf,
  writeScript,
} from "./helpers.ts";

let release: FakeRelease;
let box: Sandbox;
let checkout: string;
let log: string;

/** The stand-in for the checkout's Bun: logs its cwd and args, then "builds" dist/canopy from a prepared script. */
function fakeBunScript(version: string): string {
  const built = join(box.root, `built-${version}`);
  writeFileSync(built, fakeCanopy(version));
  return `echo "bun $(pwd) $*" >> '${log}'\nmkdir -p dist && cp '${built}' dist/canopy && chmod 755 dist/canopy\n`;
}

beforeEach(() => {
  release = serveRelease();
  publish(release, { "canopy-linux-x64": fakeCanopy("from-release") });
  box = sandbox();
  log = join(box.root, "calls.log");
  writeFileSync(log, "");
  checkout = join(box.root, "checkout");
  mkdirSync(join(checkout, "node_modules/.bin"), { recursive: true });
  writeFileSync(join(checkout, "package.json"), '{\n  "name": "canopy",\n  "version": "7.7.7"\n}\n');
  copyFileSync(INSTALL_SH, join(checkout, "install.sh"));
  chmodSync(join(checkout, "install.sh"), 0o755);
});
afterEach(() => release.stop());
afterAll(cleanupTempDirs);

/** What `canopy --version` of the installed binary prints. */
const installedVersion = () => versionOf(join(box.bin, "canopy"));

test("./install.sh in a checkout builds the host binary and installs it", async () => {
  writeScript(join(checkout, "node_modules/.bin/bun"), fakeBunScript("7.7.7"));
  const r = await run(["./install.sh"], installEnv(box, release), { cwd: checkout });
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  expect(readFileSync(log, "utf8")).toBe(`bun ${checkout} run build --target host\n`);
  expect(await installedVersion()).toBe("canopy 7.7.7 (test)");
  expect(release.requests).toEqual([]);
  const out = lines(r.stdout);
  expect(out.length).toBeLessThanOrEqual(3);
  expect(out[0]).toBe(`canopy: built canopy-linux-x64 from the checkout at ${checkout}`);
});

describe.each(shells())("install.sh from a checkout under %s", (...shell: string[]) => {
  test("runs npm install first when the checkout has no Bun yet", async () => {
    const fakes = join(box.root, "fakebin");
    mkdirSync(fakes);
    const bunBody = fakeBunScript("7.7.8");
    // The stand-in npm "installs" the stand-in Bun.
    writeFileSync(join(box.root, "bun-body"), `#!/bin/sh\n${bunBody}`);
    writeScript(join(fakes, "npm"), `echo "npm $(pwd) $*" >> '${log}'\nmkdir -p node_modules/.bin && cp '${join(box.root, "bun-body")}' node_modules/.bin/bun && chmod 755 node_modules/.bin/bun\n`);
    const env = installEnv(box, release, { PATH: `${fakes}:${process.env.PATH ?? "/usr/bin:/bin"}` });
    const r = await run([...shell, join(checkout, "install.sh")], env, { cwd: box.root });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const calls = readFileSync(log, "utf8").split("\n");
    expect(calls[0]).toStartWith(`npm ${checkout} install`);
    expect(calls[1]).toBe(`bun ${checkout} run build --target host`);
    expect(await installedVersion()).toBe("canopy 7.7.8 (test)");
  });

  test("a failed build shows its output and leaves the existing install untouched", async () => {
    writeFileSync(join(box.bin, "canopy"), fakeCanopy("old"));
    chmodSync(join(box.bin, "canopy"), 0o755);
    writeScript(join(checkout, "node_modules/.bin/bun"), "echo 'error: boom in src/main.ts' >&2\nexit 1\n");
    const r = await run([...shell, join(checkout, "install.sh")], installEnv(box, release), { cwd: box.root });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("boom in src/main.ts");
    expect(r.stderr).toContain(`build failed in ${checkout}`);
    expect(await installedVersion()).toBe("canopy old (test)");
    expect(readdirSync(box.tmp)).toEqual([]);
    expect(readdirSync(box.bin)).toEqual(["canopy"]);
  });
});
