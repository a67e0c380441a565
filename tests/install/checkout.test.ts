/**
 * install.sh run from a source checkout: builds with the checkout's own Bun (a stand-in here)
 * instead of downloading — unless CANOPY_DOWNLOAD_URL or CANOPY_VERSION is set, which asks for a
 * download, verified like any other. The last line of output says which way it went.
 */

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
  sha256,
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

/** PATH with curl and wget stand-ins that log the URL asked for to the calls log and fail: shows whether a run tried to download. */
function offlinePath(): string {
  const dir = join(box.root, "offline");
  mkdirSync(dir, { recursive: true });
  for (const tool of ["curl", "wget"]) writeScript(join(dir, tool), `for a; do url=$a; done\necho "${tool} $url" >> '${log}'\nexit 22\n`);
  return `${dir}:${process.env.PATH ?? "/usr/bin:/bin"}`;
}

/** An existing install the runs below must leave alone when they refuse. */
function installOld(): void {
  writeFileSync(join(box.bin, "canopy"), fakeCanopy("old"));
  chmodSync(join(box.bin, "canopy"), 0o755);
}

test("./install.sh in a checkout, with no download setting, builds the host binary and installs it", async () => {
  writeScript(join(checkout, "node_modules/.bin/bun"), fakeBunScript("7.7.7"));
  const r = await run(["./install.sh"], installEnv(box, undefined, { PATH: offlinePath() }), { cwd: checkout });
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  // The build, and no download attempted.
  expect(readFileSync(log, "utf8")).toBe(`bun ${checkout} run build --target host\n`);
  expect(await installedVersion()).toBe("canopy 7.7.7 (test)");
  const out = lines(r.stdout);
  expect(out.length).toBeLessThanOrEqual(3);
  expect(out.at(-1)).toBe(`canopy: built canopy-linux-x64 from the checkout at ${checkout}`);
});

// Regression: in a checkout the build won even when a download was asked for, skipping the checksum.
test("CANOPY_DOWNLOAD_URL=<mirror with a tampered binary> ./install.sh in a checkout refuses it, builds nothing, leaves the install untouched", async () => {
  writeScript(join(checkout, "node_modules/.bin/bun"), fakeBunScript("7.7.7"));
  installOld();
  const good = fakeCanopy("from-release");
  publish(release, { "canopy-linux-x64": `${good}echo pwned\n` }, `${sha256(good)}  canopy-linux-x64\n`);
  const r = await run(["./install.sh"], installEnv(box, release), { cwd: checkout });
  expect(r.code).not.toBe(0);
  expect(r.stderr).toContain("checksum mismatch for canopy-linux-x64");
  expect(release.requests.sort()).toEqual(["SHA256SUMS", "canopy-linux-x64"]);
  expect(readFileSync(log, "utf8")).toBe("");
  expect(await installedVersion()).toBe("canopy old (test)");
  expect(readdirSync(box.bin)).toEqual(["canopy"]);
  expect(readdirSync(box.tmp)).toEqual([]);
});

describe.each(shells())("install.sh from a checkout under %s", (...shell: string[]) => {
  test("CANOPY_DOWNLOAD_URL wins over the checkout: the release is downloaded and verified, and the last line says so", async () => {
    writeScript(join(checkout, "node_modules/.bin/bun"), fakeBunScript("7.7.7"));
    const r = await run([...shell, "./install.sh"], installEnv(box, release), { cwd: checkout });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(readFileSync(log, "utf8")).toBe("");
    expect(await installedVersion()).toBe("canopy from-release (test)");
    expect(lines(r.stdout).at(-1)).toBe(
      `canopy: downloaded canopy-linux-x64 from ${release.url} (sha256 verified), not built from the checkout at ${checkout}: CANOPY_DOWNLOAD_URL is set`,
    );
  });

  test("CANOPY_VERSION wins over the checkout too: it fetches that release, never builds", async () => {
    writeScript(join(checkout, "node_modules/.bin/bun"), fakeBunScript("7.7.7"));
    installOld();
    const env = installEnv(box, undefined, { PATH: offlinePath(), CANOPY_VERSION: "1.2.3" });
    const r = await run([...shell, "./install.sh"], env, { cwd: checkout });
    expect(r.code).not.toBe(0);
    const sums = "https://github.com/canopy-sh/canopy/releases/download/v1.2.3/SHA256SUMS";
    expect(r.stderr).toContain(`download failed: ${sums}`);
    expect(readFileSync(log, "utf8")).toBe(`curl ${sums}\n`);
    expect(await installedVersion()).toBe("canopy old (test)");
  });

  test("runs npm install first when the checkout has no Bun yet", async () => {
    const fakes = join(box.root, "fakebin");
    mkdirSync(fakes);
    const bunBody = fakeBunScript("7.7.8");
    // The stand-in npm "installs" the stand-in Bun.
    writeFileSync(join(box.root, "bun-body"), `#!/bin/sh\n${bunBody}`);
    writeScript(join(fakes, "npm"), `echo "npm $(pwd) $*" >> '${log}'\nmkdir -p node_modules/.bin && cp '${join(box.root, "bun-body")}' node_modules/.bin/bun && chmod 755 node_modules/.bin/bun\n`);
    const env = installEnv(box, undefined, { PATH: `${fakes}:${process.env.PATH ?? "/usr/bin:/bin"}` });
    const r = await run([...shell, join(checkout, "install.sh")], env, { cwd: box.root });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const calls = readFileSync(log, "utf8").split("\n");
    expect(calls[0]).toStartWith(`npm ${checkout} install`);
    expect(calls[1]).toBe(`bun ${checkout} run build --target host`);
    expect(await installedVersion()).toBe("canopy 7.7.8 (test)");
  });

  test("a failed build shows its output and leaves the existing install untouched", async () => {
    installOld();
    writeScript(join(checkout, "node_modules/.bin/bun"), "echo 'error: boom in src/main.ts' >&2\nexit 1\n");
    const r = await run([...shell, join(checkout, "install.sh")], installEnv(box, undefined), { cwd: box.root });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("boom in src/main.ts");
    expect(r.stderr).toContain(`build failed in ${checkout}`);
    expect(await installedVersion()).toBe("canopy old (test)");
    expect(readdirSync(box.tmp)).toEqual([]);
    expect(readdirSync(box.bin)).toEqual(["canopy"]);
  });
});
