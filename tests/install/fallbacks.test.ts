/** install.sh's defaults and fallbacks: wget without curl, shasum without sha256sum, release URLs, default dir, `curl | sh`. */

import { afterAll, afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  cleanupTempDirs,
  type FakeRelease,
  fakeCanopy,
  INSTALL_SH,
  installEnv,
  pathWithout,
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

beforeEach(() => {
  release = serveRelease();
  box = sandbox();
});
afterEach(() => release.stop());
afterAll(cleanupTempDirs);

/** A directory holding stand-in commands, to put first on PATH. */
function fakeBin(scripts: Record<string, string>): string {
  const dir = join(box.root, "fakebin");
  mkdirSync(dir, { recursive: true });
  for (const [name, body] of Object.entries(scripts)) writeScript(join(dir, name), body);
  return dir;
}

const PATH = process.env.PATH ?? "/usr/bin:/bin";

describe.each(shells())("install.sh under %s", (...shell: string[]) => {
  // Resolved up front: the runs below may have a PATH that lacks the usual commands.
  const argv = [Bun.which(shell[0] ?? "sh") ?? "/bin/sh", ...shell.slice(1)];
  const install = (extra: Record<string, string | undefined> = {}) => run([...argv, box.script], installEnv(box, release, extra));

  if (Bun.which("wget")) {
    test("downloads with wget when curl is missing", async () => {
      publish(release, { "canopy-linux-x64": fakeCanopy("9.9.9") });
      const r = await install({ PATH: pathWithout(["curl"]) });
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(await versionOf(join(box.bin, "canopy"))).toBe("canopy 9.9.9 (test)");
    });
  }

  test("says so when neither curl nor wget is there", async () => {
    publish(release, { "canopy-linux-x64": fakeCanopy("9.9.9") });
    const r = await install({ PATH: pathWithout(["curl", "wget"]) });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("need curl or wget");
    expect(existsSync(join(box.bin, "canopy"))).toBe(false);
  });

  if (Bun.which("shasum")) {
    test("verifies with shasum when sha256sum is missing, and still refuses a mismatch", async () => {
      const good = fakeCanopy("9.9.9");
      const noSha256sum = pathWithout(["sha256sum"]);
      publish(release, { "canopy-linux-x64": good });
      expect((await install({ PATH: noSha256sum })).code).toBe(0);
      publish(release, { "canopy-linux-x64": `${good}\n` }, `${sha256(good)}  canopy-linux-x64\n`);
      const r = await install({ PATH: noSha256sum });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain("checksum mismatch");
      expect(readFileSync(join(box.bin, "canopy"), "utf8")).toBe(good);
    });
  }

  test("accepts binary-mode (*name) entries and upper-case hashes in SHA256SUMS", async () => {
    const body = fakeCanopy("9.9.9");
    publish(release, { "canopy-linux-x64": body }, `${sha256("other")}  canopy-linux-x64.sig\n${sha256(body).toUpperCase()} *canopy-linux-x64\n`);
    const r = await install();
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  test("CANOPY_VERSION pins a GitHub release URL, with or without a leading v", async () => {
    const log = join(box.root, "curl.log");
    const bin = fakeBin({ curl: `printf '%s\\n' "$@" >> '${log}'\nexit 22\n` });
    for (const version of ["1.2.3", "v1.2.3"]) {
      const r = await install({ PATH: `${bin}:${PATH}`, CANOPY_DOWNLOAD_URL: undefined, CANOPY_VERSION: version });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain("download failed: https://github.com/canopy-sh/canopy/releases/download/v1.2.3/SHA256SUMS");
    }
    expect(readFileSync(log, "utf8")).toContain("https://github.com/canopy-sh/canopy/releases/download/v1.2.3/SHA256SUMS\n");
  });

  test("without CANOPY_VERSION it fetches the latest GitHub release", async () => {
    const bin = fakeBin({ curl: "exit 22\n" });
    const r = await install({ PATH: `${bin}:${PATH}`, CANOPY_DOWNLOAD_URL: undefined });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("download failed: https://github.com/canopy-sh/canopy/releases/latest/download/SHA256SUMS");
  });

  test("a non-root user without CANOPY_INSTALL_DIR gets ~/.local/bin", async () => {
    publish(release, { "canopy-linux-x64": fakeCanopy("9.9.9") });
    const bin = fakeBin({ id: 'if [ "${1:-}" = -u ]; then echo 1000; else echo "uid=1000"; fi\n' });
    const r = await install({ PATH: `${bin}:${PATH}`, CANOPY_INSTALL_DIR: undefined });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(await versionOf(join(box.home, ".local/bin/canopy"))).toBe("canopy 9.9.9 (test)");
    expect(r.stdout).toContain(`${box.home}/.local/bin is not on your PATH`);
  });

  test("piped into sh from inside a canopy checkout, it downloads rather than building", async () => {
    const checkout = join(box.root, "checkout");
    mkdirSync(join(checkout, "node_modules/.bin"), { recursive: true });
    writeFileSync(join(checkout, "package.json"), '{ "name": "canopy", "version": "0.0.1" }\n');
    writeFileSync(join(checkout, "install.sh"), readFileSync(INSTALL_SH));
    const marker = join(box.root, "bun-ran");
    writeScript(join(checkout, "node_modules/.bin/bun"), `touch '${marker}'\nexit 1\n`);
    // A bare shell name, as `curl | sh` gives: $0 is then "sh", whose dirname is the cwd. No
    // download setting either (that alone would mean download): the default release is fetched.
    const curl = fakeBin({ curl: "exit 22\n" });
    const env = installEnv(box, undefined, { PATH: `${curl}:${PATH}` });
    const r = await run(shell, env, { input: readFileSync(INSTALL_SH, "utf8"), cwd: checkout });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("download failed: https://github.com/canopy-sh/canopy/releases/latest/download/SHA256SUMS");
    expect(existsSync(marker)).toBe(false);
  });
});
