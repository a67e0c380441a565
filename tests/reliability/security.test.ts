/**
 * Security: the control socket is 0600 in a 0700 directory and a second user cannot use it;
 * the daemon refuses a state/socket directory others can write or another user owns; the
 * optional TCP listener exists only with `control:` and wants the bearer token on every
 * request; `env` values never appear in status, the API, or the daemon's files; log files
 * are 0600.
 *
 * Needs root (CI runs as root) to run a client as a second user: the unprivileged uid/gid
 * 65534 (`nobody`/`nogroup` on Debian), dropped to for that one process (Bun.spawn with
 * uid/gid, which also clears supplementary groups). No account is created: the machine's
 * `getent passwd` is the same after the file as before.
 */
import { runsAs } from "../helpers/runs-as.ts";
import { afterAll, afterEach, beforeAll, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { chmodSync, chownSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { resolvePaths } from "../../src/daemon/paths.ts";
import { startTcpListener } from "../../src/daemon/tcp-listener.ts";
import { CanopyError } from "../../src/errors.ts";
import { BUN, type TempProject, tempProject } from "../helpers/cli.ts";
import { freePort, pidsWithMarker, portAccepts } from "../helpers/net.ts";
import { cleanupProject, socketInodes, tcpListenersOf, tcpListenInodes, waitGone } from "./helpers.ts";

/** The second user: the kernel's overflow uid/gid, unprivileged, present on every Debian as nobody/nogroup. */
const NOBODY = 65534;
const USER = `uid ${NOBODY}`;
let other: { uid: number; gid: number; home: string; bun: string };
let accountsBefore = "";
const cleanupDirs: string[] = [];
let project: TempProject | undefined;

function privateTemp(prefix: string): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  cleanupDirs.push(dir);
  return dir;
}

/** The machine's accounts, to prove the tests add none. */
function accounts(): string {
  const r = Bun.spawnSync(["getent", "passwd"], { stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`getent passwd exited ${r.exitCode}: ${r.stderr.toString()}`);
  return r.stdout.toString();
}

beforeAll(async () => {
  expect(process.getuid?.()).toBe(0); // switching a client to another uid needs root (CI runs as root)
  accountsBefore = accounts();
  const [uid, gid] = [NOBODY, NOBODY];
  const home = privateTemp("canopy-sec-home-");
  chmodSync(home, 0o755);
  chownSync(home, uid, gid);
  // The other user must be able to run bun: use ours if they can reach it, else a copy they can.
  let bun = BUN;
  if (!runsAs([bun, "--version"], { uid, gid, cwd: home, env: { HOME: home, PATH: "/usr/bin:/bin" } })) {
    bun = join(home, "bun");
    copyFileSync(BUN, bun);
    chmodSync(bun, 0o755);
  }
  other = { uid, gid, home, bun };
  // The client really runs as that user alone: its uid, gid and groups are 65534 and nothing else.
  const ids = Bun.spawnSync(["sh", "-c", "id -u; id -g; id -G"], { uid, gid, cwd: home, env: { PATH: "/usr/bin:/bin" }, stdout: "pipe" });
  expect(ids.stdout.toString().split("\n")).toEqual([`${NOBODY}`, `${NOBODY}`, `${NOBODY}`, ""]);
});

afterEach(async () => {
  await cleanupProject(project);
  project = undefined;
});

afterAll(() => {
  for (const d of cleanupDirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Runs a small script as the other user; it prints one JSON line. */
async function asOtherUser(code: string, args: string[] = []): Promise<Record<string, unknown>> {
  const p = Bun.spawn([other.bun, "-e", code, ...args], {
    uid: other.uid,
    gid: other.gid,
    cwd: other.home,
    env: { HOME: other.home, PATH: "/usr/bin:/bin", BUN_INSTALL_CACHE_DIR: join(other.home, ".cache") },
    stdout: "pipe",
    stderr: "pipe",
    timeout: 20_000,
  });
  const [out, err] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  const line = out.trim().split("\n").pop() ?? "";
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    throw new Error(`the script as ${USER} printed ${JSON.stringify(out)} (stderr ${JSON.stringify(err.slice(0, 500))})`);
  }
}

/** Connect to a unix socket and ask for the status; reports what happened. */
const CONNECT = `
const [path] = process.argv.slice(-1);
try {
  const res = await fetch("http://canopy/v1/services", { unix: path });
  console.log(JSON.stringify({ connected: true, status: res.status }));
} catch (e) {
  console.log(JSON.stringify({ connected: false, code: e.code ?? null, message: String(e.message ?? e) }));
}`;
/** Read a file; reports what happened. */
const READ = `
const [path] = process.argv.slice(-1);
try {
  require("fs").readFileSync(path);
  console.log(JSON.stringify({ read: true }));
} catch (e) {
  console.log(JSON.stringify({ read: false, code: e.code ?? null }));
}`;

function modeOf(path: string): number {
  return statSync(path).mode & 0o777;
}

test("socket 0600 in a 0700 directory, state files private even under umask 000; another user can neither connect nor read", async () => {
  const p = (project = tempProject());
  p.writeConfig({ services: { printer: p.printer(3) } });
  expect((await p.cli(["up", "-d"], { umask: "000" })).code).toBe(0);

  expect(statSync(p.socketPath).isSocket()).toBe(true);
  expect(modeOf(p.socketPath)).toBe(0o600);
  expect(modeOf(dirname(p.socketPath))).toBe(0o700);
  expect(modeOf(p.stateDir)).toBe(0o700);
  expect(modeOf(join(p.stateDir, "logs"))).toBe(0o700);
  for (const name of ["state.json", "daemon.lock", "daemon.log"]) expect({ name, mode: modeOf(join(p.stateDir, name)) }).toEqual({ name, mode: 0o600 });
  for (const name of readdirSync(join(p.stateDir, "logs"))) expect({ name, mode: modeOf(join(p.stateDir, "logs", name)) }).toEqual({ name, mode: 0o600 });

  // Control: the other user's client works against a socket they may open…
  const openDir = privateTemp("canopy-sec-open-");
  chmodSync(openDir, 0o755);
  const openSocket = join(openDir, "open.sock");
  const server = Bun.serve({ unix: openSocket, fetch: () => new Response("{}") });
  try {
    chmodSync(openSocket, 0o666);
    expect(await asOtherUser(CONNECT, [openSocket])).toEqual({ connected: true, status: 200 });
  } finally {
    await server.stop(true);
  }
  // …and is refused by the daemon's: permission denied, by the directory and the socket's mode.
  const denied = await asOtherUser(CONNECT, [p.socketPath]);
  console.log(`security: ${USER} connecting to the daemon socket: ${JSON.stringify(denied)}`);
  expect(denied.connected).toBe(false);
  expect(denied.code).toBe("EACCES");
  // Reading the daemon's files is refused too.
  for (const file of [join(p.stateDir, "state.json"), join(p.stateDir, "logs", "printer.log")]) {
    expect(await asOtherUser(READ, [file])).toEqual({ read: false, code: "EACCES" });
  }
  // Even with the directory opened up, the socket's own 0600 refuses them.
  chmodSync(dirname(p.socketPath), 0o755);
  try {
    const stillDenied = await asOtherUser(CONNECT, [p.socketPath]);
    expect(stillDenied.connected).toBe(false);
    expect(stillDenied.code).toBe("EACCES");
  } finally {
    chmodSync(dirname(p.socketPath), 0o700);
  }
  // The daemon is unaffected and answers its owner.
  expect((await p.status()).services[0]?.status).toBe("running");
}, 60_000);

test("a state directory others can write, or another user owns, is refused: unsafe_permissions, exit 1, nothing started", async () => {
  const p = (project = tempProject());
  const marker = `${p.dir}/sec-unsafe`;
  p.writeConfig({ services: { printer: { cmd: ["/bin/sh", "-c", "sleep 600", marker] } } });

  mkdirSync(p.stateDir, { recursive: true });
  chmodSync(p.stateDir, 0o777);
  const worldWritable = await p.cli(["up", "-d"]);
  expect(worldWritable.code).toBe(1);
  expect(worldWritable.stderr).toContain(`${p.stateDir} is writable by others; run chmod 700 ${p.stateDir}`);
  expect(pidsWithMarker(marker)).toEqual([]);

  chmodSync(p.stateDir, 0o700);
  chownSync(p.stateDir, other.uid, other.gid);
  const foreign = await p.cli(["up", "-d"]);
  expect(foreign.code).toBe(1);
  expect(foreign.stderr).toContain(`${p.stateDir}: directory is owned by uid ${other.uid}, not by you (uid 0)`);
  expect(pidsWithMarker(marker)).toEqual([]);

  // The socket's directory, when it is not the state directory ($XDG_RUNTIME_DIR/canopy), is checked the same way.
  chownSync(p.stateDir, 0, 0);
  const runtime = privateTemp("canopy-sec-run-");
  const longState = join(privateTemp("canopy-sec-long-"), "x".repeat(90));
  const paths = resolvePaths({ configFile: p.configFile, env: { CANOPY_STATE_DIR: longState, XDG_RUNTIME_DIR: runtime } });
  expect(dirname(paths.socketPath)).toBe(join(runtime, "canopy"));
  mkdirSync(join(runtime, "canopy"), { mode: 0o777 });
  chmodSync(join(runtime, "canopy"), 0o777);
  const runtimeUnsafe = await p.cli(["up", "-d"], { env: { CANOPY_STATE_DIR: longState, XDG_RUNTIME_DIR: runtime } });
  expect(runtimeUnsafe.code).toBe(1);
  expect(runtimeUnsafe.stderr).toContain(`${join(runtime, "canopy")} is writable by others`);
  expect(pidsWithMarker(marker)).toEqual([]);

  // Fixed, it starts.
  chmodSync(p.stateDir, 0o700);
  expect((await p.cli(["up", "-d"])).code).toBe(0);
  expect(pidsWithMarker(marker).length).toBe(1);
}, 60_000);

test("no TCP listener without control:; with it, every request needs the bearer token", async () => {
  const p = (project = tempProject());
  const port = await freePort();
  p.writeConfig({ services: { printer: p.printer(3) } });
  expect((await p.cli(["up", "-d"])).code).toBe(0);
  const off = await p.status();
  // Nothing listens: not on the port we would configure, and the daemon holds no TCP LISTEN socket at all.
  expect(await portAccepts(port)).toBe(false);
  expect(tcpListenersOf(off.daemon.pid)).toEqual([]);
  expect((await p.cli(["down"])).code).toBe(0);

  const token = randomBytes(32).toString("hex");
  const tokenFile = p.writeFile("control.token", `${token}\n`);
  chmodSync(tokenFile, 0o600);
  p.writeConfig({
    control: { listen: `127.0.0.1:${port}`, token_file: "control.token" },
    services: { printer: p.printer(3) },
  });
  expect((await p.cli(["up", "-d"])).code).toBe(0);
  const on = await p.status();
  // Exactly one TCP listener, on the configured port.
  const listeners = tcpListenersOf(on.daemon.pid);
  expect(listeners.length).toBe(1);
  expect(await portAccepts(port)).toBe(true);

  const call = async (path: string, headers: Record<string, string>, method = "GET") => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { method, headers });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, auth: res.headers.get("www-authenticate") };
  };
  const refusals: Record<string, string>[] = [
    {},
    { authorization: "" },
    { authorization: "Bearer" },
    { authorization: `Bearer ${token.slice(0, -1)}` },
    { authorization: `Bearer ${token}x` },
    { authorization: `Bearer ${token.toUpperCase()}` },
    { authorization: `Basic ${Buffer.from(`canopy:${token}`).toString("base64")}` },
    { authorization: `Token ${token}` },
    { authorization: "Bearer wrong" },
    { "x-canopy-token": token },
  ];
  for (const headers of refusals) {
    const r = await call("/v1/services", headers);
    expect({ headers, status: r.status, type: r.body.error_type }).toEqual({ headers, status: 401, type: "unauthorized" });
    expect(r.auth).toContain("Bearer");
  }
  // A refused action does nothing.
  const pidBefore = on.services[0]?.pid;
  expect((await call("/v1/services/printer/restart", { authorization: "Bearer nope" }, "POST")).status).toBe(401);
  expect((await call("/v1/shutdown", {}, "POST")).status).toBe(401);
  expect((await p.status()).services[0]?.pid).toBe(pidBefore as number);

  // The right token: the same API as the socket.
  const ok = await call("/v1/services", { authorization: `Bearer ${token}` });
  expect(ok.status).toBe(200);
  expect((ok.body.services as { name: string }[]).map((s) => s.name)).toEqual(["printer"]);
  const restarted = await call("/v1/services/printer/restart", { authorization: `bearer  ${token}` }, "POST");
  expect(restarted.status).toBe(200);
  expect(restarted.body.pid).not.toBe(pidBefore);

  expect((await p.cli(["down"])).code).toBe(0);
  await waitGone(on.daemon.pid, "the daemon with the TCP listener to exit");
  expect(await portAccepts(port)).toBe(false);

  // A non-loopback address is refused by the config (exit 2, nothing started)…
  p.writeConfig({ control: { listen: `0.0.0.0:${port}`, token_file: "control.token" }, services: { printer: p.printer(3) } });
  const refused = await p.cli(["up", "-d"]);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain("control.listen");
  expect(refused.stderr).toContain("not a loopback address");
  expect(await portAccepts(port)).toBe(false);
  // …and again at bind, whatever the caller: nothing is bound.
  const inodesBefore = tcpListenInodes();
  let thrown: unknown;
  try {
    startTcpListener({ listen: { host: "0.0.0.0", port }, tokenFile, allowNonLoopback: false }, async () => new Response("{}"));
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(CanopyError);
  expect((thrown as CanopyError).error_type).toBe("invalid_config");
  expect([...tcpListenInodes()].filter((i) => !inodesBefore.has(i) && socketInodes(process.pid).has(i))).toEqual([]);
}, 60_000);

test("env values never appear in status, the API, events, logs or the daemon's files", async () => {
  const p = (project = tempProject());
  const secret = `s3cr3t-${randomBytes(12).toString("hex")}`;
  const fileSecret = `f1le-${randomBytes(12).toString("hex")}`;
  p.writeFile(".env", `FROM_FILE=${fileSecret}\n`);
  p.writeConfig({
    services: {
      printer: { ...p.printer(3), env: { API_SECRET: secret, PLAIN: "x" }, env_file: ".env" },
      crasher: { cmd: ["/bin/sh", "-c", "exit 3"], env: { API_SECRET: secret }, restart: "never" },
    },
  });
  await p.cli(["up", "-d"]);
  const doc = await p.status();
  const printer = doc.services.find((s) => s.name === "printer");
  expect(printer?.status).toBe("running");
  // The child does get them.
  const environ = readFileSync(`/proc/${printer?.pid}/environ`, "utf8");
  expect(environ).toContain(`API_SECRET=${secret}`);
  expect(environ).toContain(`FROM_FILE=${fileSecret}`);

  const outputs: [string, string][] = [];
  for (const args of [["status"], ["status", "--json"], ["status", "printer"], ["logs"], ["restart", "printer"], ["stop", "crasher"]]) {
    const r = await p.cli(args);
    outputs.push([`canopy ${args.join(" ")}`, r.stdout + r.stderr]);
  }
  for (const path of ["/v1/services", "/v1/services/printer", "/v1/services/crasher", "/v1/events?tail=1000", "/v1/logs?tail=1000"]) {
    outputs.push([`GET ${path}`, await (await fetch(`http://canopy${path}`, { unix: p.socketPath })).text()]);
  }
  for (const name of readdirSync(p.stateDir)) {
    const path = join(p.stateDir, name);
    if (statSync(path).isFile()) outputs.push([name, readFileSync(path, "utf8")]);
  }
  for (const name of readdirSync(join(p.stateDir, "logs"))) outputs.push([`logs/${name}`, readFileSync(join(p.stateDir, "logs", name), "utf8")]);
  expect(outputs.length).toBeGreaterThan(12);
  for (const [where, text] of outputs) {
    expect({ where, leaks: text.includes(secret) || text.includes(fileSecret) }).toEqual({ where, leaks: false });
  }
  const down = await p.cli(["down"]);
  expect(down.stdout + down.stderr).not.toContain(secret);
  await waitGone(doc.daemon.pid, "the daemon to exit after down");
}, 60_000);

test("no account was added: getent passwd lists the same users as before these tests", () => {
  expect(accounts()).toBe(accountsBefore);
});
