/** Test helpers for install.sh: a fake release served over HTTP, sandboxes, and running the script under a shell. */

import { expect } from "bun:test";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requireTool } from "../helpers/system-tool.ts";

/** install.sh in this checkout. */
export const INSTALL_SH = join(import.meta.dir, "..", "..", "install.sh");

const made: string[] = [];

/** A fresh private temp directory (real path), removed by `cleanupTempDirs`. */
export function tempDir(prefix = "canopy-install-"): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  made.push(dir);
  return dir;
}

/** Removes every directory `tempDir` made. */
export function cleanupTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * The shells install.sh runs under here: `sh` (the machine's, as `curl | sh` uses) always;
 * dash, busybox sh and bash as extra coverage where installed. None is required: a fresh
 * machine with only its own `sh` runs every install test once, under that shell.
 */
export function shells(): string[][] {
  const found: string[][] = [["sh"]];
  if (Bun.which("dash")) found.push(["dash"]);
  if (Bun.which("busybox")) found.push(["busybox", "sh"]);
  if (Bun.which("bash")) found.push(["bash"]);
  return found;
}

/** A stand-in canopy binary: an sh script answering `--version` with `canopy VERSION (test)`. */
export function fakeCanopy(version: string): string {
  return `#!/bin/sh\nif [ "\${1:-}" = --version ]; then echo "canopy ${version} (test)"; exit 0; fi\necho "fake canopy ${version}"\n`;
}

/** The sha256 hex digest of some text. */
export function sha256(text: string): string {
  return new Bun.CryptoHasher("sha256").update(text).digest("hex");
}

/** A release directory served over HTTP on 127.0.0.1, recording the paths requested. */
export type FakeRelease = { dir: string; url: string; requests: string[]; stop: () => void };

/** Serves a fresh, empty release directory; fill it with `publish`. */
export function serveRelease(): FakeRelease {
  // install.sh downloads with curl (wget is its fallback, tested where installed): the tests
  // need a real one, installed as root on Debian when missing, else a failure naming the package.
  requireTool("curl", "curl");
  const dir = tempDir("canopy-release-");
  const requests: string[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const name = decodeURIComponent(new URL(req.url).pathname).replace(/^\/+/, "");
      requests.push(name);
      const file = Bun.file(join(dir, name));
      if (name.includes("/") || name === "" || !(await file.exists())) return new Response("not found\n", { status: 404 });
      return new Response(file);
    },
  });
  return { dir, url: `http://127.0.0.1:${server.port}`, requests, stop: () => void server.stop(true) };
}

/** Writes release files and a SHA256SUMS listing them (or exactly `sums` when given). */
export function publish(release: FakeRelease, files: Record<string, string>, sums?: string): void {
  for (const name of readdirSync(release.dir)) rmSync(join(release.dir, name), { force: true });
  for (const [name, body] of Object.entries(files)) writeFileSync(join(release.dir, name), body);
  const listed = Object.entries(files).map(([name, body]) => `${sha256(body)}  ${name}\n`);
  writeFileSync(join(release.dir, "SHA256SUMS"), sums ?? listed.join(""));
}

/** A directory of symlinks to every command on PATH except `omit`, to stand in for a machine lacking them. */
export function pathWithout(omit: string[]): string {
  const farm = tempDir("canopy-path-");
  const seen = new Set(omit);
  for (const dir of (process.env.PATH ?? "").split(":")) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      if (seen.has(name)) continue;
      seen.add(name);
      symlinkSync(join(dir, name), join(farm, name));
    }
  }
  return farm;
}

/** Writes an executable sh script. */
export function writeScript(path: string, body: string): void {
  writeFileSync(path, `#!/bin/sh\n${body}`);
  chmodSync(path, 0o755);
}

/** A sandbox: HOME, TMPDIR, an install dir, and a copy of install.sh in a folder with no package.json. */
export type Sandbox = { root: string; home: string; tmp: string; bin: string; script: string };

/** Makes a fresh sandbox. */
export function sandbox(): Sandbox {
  const root = tempDir();
  const [home, tmp, bin, scripts] = ["home", "tmp", "bin", "scripts"].map((d) => join(root, d)) as [string, string, string, string];
  for (const d of [home, tmp, bin, scripts]) mkdirSync(d);
  const script = join(scripts, "install.sh");
  copyFileSync(INSTALL_SH, script);
  return { root, home, tmp, bin, script };
}

/** The environment install.sh runs with in a sandbox: test overrides on top of a minimal base. */
export function installEnv(box: Sandbox, release: FakeRelease | undefined, extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: box.home,
    TMPDIR: box.tmp,
    CANOPY_OS: "linux",
    CANOPY_ARCH: "x64",
    CANOPY_INSTALL_DIR: box.bin,
    ...(release ? { CANOPY_DOWNLOAD_URL: release.url } : {}),
    ...extra,
  };
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

/** What one run of a command printed and how it ended. */
export type Run = { stdout: string; stderr: string; code: number };

/** Runs a command to completion with stdin closed (or fed `input`), collecting its output. */
export async function run(cmd: string[], env: Record<string, string>, opts: { cwd?: string; input?: string } = {}): Promise<Run> {
  const proc = Bun.spawn(cmd, {
    env,
    cwd: opts.cwd,
    stdin: opts.input === undefined ? "ignore" : new Blob([opts.input]),
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([proc.stdout.text(), proc.stderr.text(), proc.exited]);
  return { stdout, stderr, code };
}

/** What `<path> --version` prints (a bare PATH: the binary must stand alone); fails the test on a non-zero exit. */
export async function versionOf(path: string): Promise<string> {
  const r = await run([path, "--version"], { PATH: "/usr/bin:/bin" });
  expect(r.code).toBe(0);
  return r.stdout.trim();
}

/** Non-empty lines of some output. */
export function lines(text: string): string[] {
  return text.split("\n").filter((l) => l.trim() !== "");
}
