/** install.sh against a fake release over HTTP: install, upgrade, refusals, truncation; under every shell found. */

import { afterAll, afterEach, beforeEach, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
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
} from "./helpers.ts";

let release: FakeRelease;
let box: Sandbox;

beforeEach(() => {
  release = serveRelease();
  box = sandbox();
});
afterEach(() => release.stop());
afterAll(cleanupTempDirs);

/** What `canopy --version` of the installed binary prints. */
const installedVersion = () => versionOf(join(box.bin, "canopy"));

/** Asserts no temp file survived in the install dir or TMPDIR. */
function expectNoLeftovers(expectedBin: string[]): void {
  expect(readdirSync(box.bin).sort()).toEqual(expectedBin);
  expect(readdirSync(box.tmp)).toEqual([]);
}

describe.each(shells())("install.sh under %s", (...shell: string[]) => {
  const install = (extra: Record<string, string | undefined> = {}) => run([...shell, box.script], installEnv(box, release, extra));

  test("installs the binary, which then runs, and says so in at most three lines", async () => {
    publish(release, { "canopy-linux-x64": fakeCanopy("9.9.9"), "canopy-linux-arm64": fakeCanopy("arm") });
    const r = await install();
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(await installedVersion()).toBe("canopy 9.9.9 (test)");
    expect(statSync(join(box.bin, "canopy")).mode & 0o777).toBe(0o755);
    const out = lines(r.stdout);
    expect(out.length).toBeGreaterThan(0);
    expect(out.length).toBeLessThanOrEqual(3);
    expect(r.stdout).toContain(`installed canopy 9.9.9 (test) to ${box.bin}/canopy`);
    // The install dir is not on PATH here, so the script says how to add it.
    expect(r.stdout).toContain(`export PATH="${box.bin}:$PATH"`);
    // The last line says which way the binary came.
    expect(out.at(-1)).toBe(`canopy: downloaded canopy-linux-x64 from ${release.url} (sha256 verified)`);
    expect(release.requests.sort()).toEqual(["SHA256SUMS", "canopy-linux-x64"]);
    expectNoLeftovers(["canopy"]);
  });

  test("gives no PATH advice when the install dir is already on PATH", async () => {
    publish(release, { "canopy-linux-x64": fakeCanopy("9.9.9") });
    const r = await install({ PATH: `${box.bin}:${process.env.PATH ?? "/usr/bin:/bin"}` });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain("PATH");
    expect(lines(r.stdout).length).toBeLessThanOrEqual(3);
  });

  test("a second run with a newer release upgrades in place", async () => {
    publish(release, { "canopy-linux-x64": fakeCanopy("9.9.8") });
    expect((await install()).code).toBe(0);
    expect(await installedVersion()).toBe("canopy 9.9.8 (test)");
    publish(release, { "canopy-linux-x64": fakeCanopy("9.9.9") });
    const r = await install();
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(await installedVersion()).toBe("canopy 9.9.9 (test)");
    expect(r.stdout).toContain("upgraded");
    expect(r.stdout).toContain("canopy 9.9.8 (test) -> canopy 9.9.9 (test)");
    expect(lines(r.stdout).length).toBeLessThanOrEqual(3);
    expectNoLeftovers(["canopy"]);
  });

  test("refuses a tampered binary and leaves the existing install untouched", async () => {
    publish(release, { "canopy-linux-x64": fakeCanopy("9.9.8") });
    expect((await install()).code).toBe(0);
    const before = readFileSync(join(box.bin, "canopy"), "utf8");
    const good = fakeCanopy("9.9.9");
    publish(release, { "canopy-linux-x64": `${good}echo pwned\n` }, `${sha256(good)}  canopy-linux-x64\n`);
    const r = await install();
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("checksum mismatch for canopy-linux-x64");
    expect(readFileSync(join(box.bin, "canopy"), "utf8")).toBe(before);
    expect(await installedVersion()).toBe("canopy 9.9.8 (test)");
    expectNoLeftovers(["canopy"]);
  });

  test("refuses when SHA256SUMS has no entry for the platform, without downloading the binary", async () => {
    publish(release, { "canopy-linux-x64": fakeCanopy("9.9.9") }, `${sha256("x")}  canopy-linux-arm64\n`);
    const r = await install();
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("no entry for canopy-linux-x64");
    expect(release.requests).toEqual(["SHA256SUMS"]);
    expectNoLeftovers([]);
  });

  test("refuses when the binary cannot be downloaded, keeping the existing install", async () => {
    publish(release, { "canopy-linux-x64": fakeCanopy("9.9.8") });
    expect((await install()).code).toBe(0);
    publish(release, {}, `${sha256(fakeCanopy("9.9.9"))}  canopy-linux-x64\n`);
    const r = await install();
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`download failed: ${release.url}/canopy-linux-x64`);
    expect(await installedVersion()).toBe("canopy 9.9.8 (test)");
    expectNoLeftovers(["canopy"]);
  });

  test("refuses an unknown architecture before downloading anything", async () => {
    publish(release, { "canopy-linux-x64": fakeCanopy("9.9.9") });
    const r = await install({ CANOPY_ARCH: "mips" });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("unsupported CPU architecture 'mips'");
    expect(release.requests).toEqual([]);
    expectNoLeftovers([]);
  });

  test("refuses an unknown OS before downloading anything", async () => {
    publish(release, { "canopy-linux-x64": fakeCanopy("9.9.9") });
    const r = await install({ CANOPY_OS: "windows" });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("unsupported OS 'windows'");
    expect(release.requests).toEqual([]);
  });

  test("downloads the asset named after CANOPY_OS and CANOPY_ARCH", async () => {
    publish(release, { "canopy-linux-x64": fakeCanopy("x64"), "canopy-darwin-arm64": fakeCanopy("darwin-arm64") });
    const r = await install({ CANOPY_OS: "Darwin", CANOPY_ARCH: "aarch64" });
    expect(r.code).toBe(0);
    expect(await installedVersion()).toBe("canopy darwin-arm64 (test)");
    expect(release.requests).toContain("canopy-darwin-arm64");
  });

  test("a truncated script installs nothing and fetches nothing", async () => {
    publish(release, { "canopy-linux-x64": fakeCanopy("9.9.9") });
    const text = readFileSync(INSTALL_SH, "utf8");
    const body = text.trimEnd();
    const cuts = [0.1, 0.25, 0.5, 0.75, 0.9].map((f) => text.slice(0, Math.floor(text.length * f)));
    cuts.push(body.slice(0, body.lastIndexOf("\n") + 1)); // everything but the final `main "$@"`
    cuts.push(body.slice(0, -3)); // the last line cut mid-word
    const env = installEnv(box, release);
    for (const part of cuts) {
      await run(shell, env, { input: part, cwd: box.root });
      expect(release.requests).toEqual([]);
      expectNoLeftovers([]);
    }
    // The whole script, piped the same way, does install: the cuts above were what stopped it.
    const whole = await run(shell, env, { input: text, cwd: box.root });
    expect(whole.code).toBe(0);
    expect(await installedVersion()).toBe("canopy 9.9.9 (test)");
  });

  test("a half-written SHA256SUMS entry is refused as malformed", async () => {
    publish(release, { "canopy-linux-x64": fakeCanopy("9.9.9") }, `${sha256(fakeCanopy("9.9.9")).slice(0, 32)}  canopy-linux-x64\n`);
    const r = await install();
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("malformed entry for canopy-linux-x64");
    expectNoLeftovers([]);
  });
});
