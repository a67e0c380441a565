/** build.ts: standalone executables that run with no Bun or Node around, stamped with version and commit, plus SHA256SUMS. */

import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pkg from "../../package.json";

const ROOT = join(import.meta.dir, "..", "..");
const HOST = `${process.platform}-${process.arch}`;
const made: string[] = [];

/** A fresh temp directory, removed after the tests. */
function tempDir(): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "canopy-build-")));
  made.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Runs a command to completion with stdin closed. */
async function run(cmd: string[], env: Record<string, string>, cwd = ROOT): Promise<{ stdout: string; stderr: string; code: number }> {
  const proc = Bun.spawn(cmd, { cwd, env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([proc.stdout.text(), proc.stderr.text(), proc.exited]);
  return { stdout, stderr, code };
}

/** Runs build.ts with this test's Bun. */
function build(args: string[]) {
  return run([process.execPath, join(ROOT, "build.ts"), ...args], { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/" });
}

/** Runs an executable in `cwd` with an environment holding nothing but a PATH to an empty directory. */
function runBare(exe: string, args: string[], cwd = ROOT) {
  const empty = tempDir();
  return run([exe, ...args], { PATH: empty }, cwd);
}

const gitHead = Bun.spawnSync(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"]).stdout.toString().trim();
const expectedVersion = `canopy ${pkg.version} (${gitHead})`;

/** Asserts SHA256SUMS is in sha256sum format and lists exactly `names` with their true hashes. */
function expectSums(dir: string, names: string[]): void {
  const text = readFileSync(join(dir, "SHA256SUMS"), "utf8");
  const entries = text.trimEnd().split("\n").map((line) => {
    const m = /^([0-9a-f]{64}) {2}([^\s/]+)$/.exec(line);
    expect(m).not.toBeNull();
    return [m?.[2] ?? "", m?.[1] ?? ""] as const;
  });
  expect(entries.map(([n]) => n).sort()).toEqual([...names].sort());
  for (const [name, hash] of entries) {
    expect(new Bun.CryptoHasher("sha256").update(readFileSync(join(dir, name))).digest("hex")).toBe(hash);
  }
}

describe("build.ts --target host", () => {
  test("builds dist/canopy from src/main.ts that prints the stamped version with no bun or node on PATH", async () => {
    const out = tempDir();
    const r = await build(["--target", "host", "--outdir", out]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["SHA256SUMS", "canopy", `canopy-${HOST}`]);
    expectSums(out, ["canopy", `canopy-${HOST}`]);
    const v = await runBare(join(out, "canopy"), ["--version"]);
    expect(v.stderr).toBe("");
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toBe(expectedVersion);
  });

  test("--entry compiles another entry with the same constants; git and the cwd's .env are not read at run time", async () => {
    const dir = tempDir();
    const entry = join(dir, "entry.ts");
    const imports = `import { COMMIT, VERSION, versionString } from ${JSON.stringify(join(ROOT, "src/version.ts"))};`;
    writeFileSync(entry, `${imports}\nconsole.log(JSON.stringify([VERSION, COMMIT, versionString(), process.env.CANOPY_DOTENV ?? null]));\n`);
    const out = join(dir, "out");
    mkdirSync(out);
    const r = await build(["--target", "host", "--entry", entry, "--outdir", out]);
    expect(r.code).toBe(0);
    const work = join(dir, "work");
    mkdirSync(work);
    writeFileSync(join(work, ".env"), "CANOPY_DOTENV=leaked\n");
    // PATH has no git, so the commit can only have come from the build.
    const v = await runBare(join(out, `canopy-${HOST}`), [], work);
    expect(v.stderr).toBe("");
    expect(JSON.parse(v.stdout)).toEqual([pkg.version, gitHead, expectedVersion, null]);
  });
});

describe("build.ts arguments", () => {
  test("rejects an unknown target without building anything", async () => {
    const out = tempDir();
    const r = await build(["--target", "windows-x64", "--outdir", out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown target windows-x64");
    expect(readdirSync(out)).toEqual([]);
  });

  test("says which entry is missing", async () => {
    const out = tempDir();
    const r = await build(["--target", "host", "--entry", join(out, "nope.ts"), "--outdir", out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`entry ${join(out, "nope.ts")} does not exist`);
  });
});

// Cross-compiling fetches the target's Bun runtime from the npm registry (cached under ~/.bun/install/cache).
test("cross-compiles linux-arm64 into an aarch64 ELF executable", async () => {
  const out = tempDir();
  const r = await build(["--target", "linux-arm64", "--outdir", out]);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  expect(readdirSync(out).sort()).toEqual(["SHA256SUMS", "canopy-linux-arm64"]);
  const head = Buffer.from(await Bun.file(join(out, "canopy-linux-arm64")).slice(0, 20).arrayBuffer());
  expect([...head.subarray(0, 4)]).toEqual([0x7f, 0x45, 0x4c, 0x46]); // "\x7fELF"
  expect(head.readUInt16LE(18)).toBe(183); // e_machine EM_AARCH64
  expectSums(out, ["canopy-linux-arm64"]);
}, 120_000);
