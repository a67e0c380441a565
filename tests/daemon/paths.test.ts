import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CanopyError } from "../../src/errors.ts";
import { daemonId, ensurePrivateDir, resolvePaths, SOCKET_PATH_LIMIT } from "../../src/daemon/paths.ts";
import { cleanupTempDirs, tempDir } from "./helpers.ts";

afterAll(cleanupTempDirs);

const CONFIG = "/home/ann/Projects/My Demo!/canopy.yml";

describe("daemonId", () => {
  test("is a slug of the config's folder plus 12 hex of its path hash, stable", () => {
    const id = daemonId(CONFIG);
    expect(id).toMatch(/^my-demo-[0-9a-f]{12}$/);
    expect(daemonId(CONFIG)).toBe(id);
  });

  test("differs for configs in same-named folders", () => {
    expect(daemonId("/a/demo/canopy.yml")).not.toBe(daemonId("/b/demo/canopy.yml"));
    expect(daemonId("/a/demo/canopy.yml").startsWith("demo-")).toBe(true);
  });

  test("falls back to 'canopy' when the folder name has nothing readable, and caps long slugs", () => {
    expect(daemonId("/canopy.yml")).toMatch(/^canopy-[0-9a-f]{12}$/);
    expect(daemonId("/x/日本/canopy.yml")).toMatch(/^canopy-[0-9a-f]{12}$/);
    const long = daemonId(`/x/${"a".repeat(200)}/canopy.yml`);
    expect(long.length).toBeLessThanOrEqual(32 + 13);
  });
});

describe("resolvePaths", () => {
  const id = daemonId(CONFIG);

  test("uses CANOPY_STATE_DIR as is, socket inside it when it fits", () => {
    const p = resolvePaths({ configFile: CONFIG, env: { CANOPY_STATE_DIR: "/srv/canopy", XDG_RUNTIME_DIR: "/run/user/1" }, uid: 1 });
    expect(p).toEqual({
      id,
      stateDir: "/srv/canopy",
      socketPath: "/srv/canopy/canopy.sock",
      outputDir: "/srv/canopy/output",
      lockPath: "/srv/canopy/daemon.lock",
      stateFile: "/srv/canopy/state.json",
      logDir: "/srv/canopy/logs",
    });
  });

  test("moves the socket to XDG_RUNTIME_DIR when CANOPY_STATE_DIR is too long", () => {
    const deep = `/srv/${"d".repeat(120)}`;
    const p = resolvePaths({ configFile: CONFIG, env: { CANOPY_STATE_DIR: deep, XDG_RUNTIME_DIR: "/run/user/1000" }, uid: 1000 });
    expect(p.stateDir).toBe(deep);
    expect(p.socketPath).toBe(`/run/user/1000/canopy/${id}.sock`);
  });

  test("falls back to /tmp/canopy-<uid> when neither fits or XDG_RUNTIME_DIR is unset", () => {
    const deep = `/srv/${"d".repeat(120)}`;
    const p = resolvePaths({ configFile: CONFIG, env: { CANOPY_STATE_DIR: deep, XDG_RUNTIME_DIR: deep }, uid: 1000 });
    expect(p.socketPath).toBe(`/tmp/canopy-1000/${id}.sock`);
    expect(p.outputDir).toBe(`${deep}/output`);
    const q = resolvePaths({ configFile: CONFIG, env: { HOME: "/home/ann" }, uid: 42 });
    expect(q.socketPath).toBe(`/tmp/canopy-42/${id}.sock`);
  });

  test("uses XDG_STATE_HOME, else ~/.local/state, with a per-config folder", () => {
    const x = resolvePaths({ configFile: CONFIG, env: { XDG_STATE_HOME: "/xdg/state", HOME: "/home/ann" }, uid: 1 });
    expect(x.stateDir).toBe(`/xdg/state/canopy/${id}`);
    expect(x.lockPath).toBe(`/xdg/state/canopy/${id}/daemon.lock`);
    const h = resolvePaths({ configFile: CONFIG, env: { HOME: "/home/ann" }, uid: 1 });
    expect(h.stateDir).toBe(`/home/ann/.local/state/canopy/${id}`);
    expect(h.logDir).toBe(`/home/ann/.local/state/canopy/${id}/logs`);
  });

  test("without CANOPY_STATE_DIR the socket goes to XDG_RUNTIME_DIR, not the state dir", () => {
    const p = resolvePaths({ configFile: CONFIG, env: { HOME: "/h", XDG_RUNTIME_DIR: "/run/user/7" }, uid: 7 });
    expect(p.socketPath).toBe(`/run/user/7/canopy/${id}.sock`);
  });

  test("ignores relative XDG directories and empty CANOPY_STATE_DIR", () => {
    const p = resolvePaths({
      configFile: CONFIG,
      env: { CANOPY_STATE_DIR: "", XDG_STATE_HOME: "rel/state", XDG_RUNTIME_DIR: "rel/run", HOME: "/home/ann" },
      uid: 5,
    });
    expect(p.stateDir).toBe(`/home/ann/.local/state/canopy/${id}`);
    expect(p.socketPath).toBe(`/tmp/canopy-5/${id}.sock`);
  });

  test("every socket path it picks fits the limit, even for long folder names", () => {
    const config = `/x/${"long-name-".repeat(30)}/canopy.yml`;
    for (const env of [{ CANOPY_STATE_DIR: `/${"s".repeat(97)}` }, { XDG_RUNTIME_DIR: `/${"r".repeat(80)}` }, {}]) {
      const p = resolvePaths({ configFile: config, env: { HOME: "/h", ...env }, uid: 4294967294 });
      expect(Buffer.byteLength(p.socketPath)).toBeLessThanOrEqual(SOCKET_PATH_LIMIT);
    }
  });
});

describe("ensurePrivateDir", () => {
  const mode = (p: string) => statSync(p).mode & 0o777;

  test("creates missing directories, all with mode 0700", () => {
    const root = tempDir();
    const target = join(root, "a", "b", "c");
    ensurePrivateDir(target);
    for (const dir of [join(root, "a"), join(root, "a", "b"), target]) {
      expect(statSync(dir).isDirectory()).toBe(true);
      expect(mode(dir)).toBe(0o700);
    }
    expect(mode(root)).toBe(0o700); // mkdtemp's own mode, left alone
  });

  test("accepts an existing private directory and leaves its mode as is", () => {
    const dir = join(tempDir(), "mine");
    mkdirSync(dir);
    chmodSync(dir, 0o750);
    ensurePrivateDir(dir);
    expect(mode(dir)).toBe(0o750);
  });

  test("refuses a group- or other-writable directory, naming the fix", () => {
    for (const bad of [0o777, 0o720, 0o702]) {
      const dir = join(tempDir(), "open");
      mkdirSync(dir);
      chmodSync(dir, bad);
      let err: unknown;
      try {
        ensurePrivateDir(dir);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(CanopyError);
      expect((err as CanopyError).error_type).toBe("unsafe_permissions");
      expect((err as CanopyError).message).toContain(`chmod 700 ${dir}`);
    }
  });

  test("refuses a directory owned by someone else", () => {
    const dir = join(tempDir(), "theirs");
    mkdirSync(dir, { mode: 0o700 });
    const me = process.getuid!();
    expect(() => ensurePrivateDir(dir, { uid: me + 1 })).toThrow(/owned by uid/);
    expect(() => ensurePrivateDir(dir, { uid: me })).not.toThrow();
  });

  test("refuses a file where the directory should be", () => {
    const file = join(tempDir(), "file");
    writeFileSync(file, "x");
    expect(() => ensurePrivateDir(file)).toThrow(CanopyError);
  });

  test("follows our own symlink to a private directory", () => {
    const root = tempDir();
    mkdirSync(join(root, "real"), { mode: 0o700 });
    symlinkSync(join(root, "real"), join(root, "link"));
    expect(() => ensurePrivateDir(join(root, "link"))).not.toThrow();
    chmodSync(join(root, "real"), 0o777);
    expect(() => ensurePrivateDir(join(root, "link"))).toThrow(/writable by others/);
  });
});
