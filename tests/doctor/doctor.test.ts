/** `canopy doctor` against real files, processes and ports: each check passes when it should and fails with a fix when it should not. */
import { afterEach, describe, expect, test } from "bun:test";
import { chmodSync, chownSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeColors } from "../../src/cli/style.ts";
import { formatCheck, summary } from "../../src/doctor/check.ts";
import { portCheck } from "../../src/doctor/ports.ts";
import { programsOf } from "../../src/doctor/program.ts";
import { scriptProgram } from "../../src/os/shell-script.ts";
import { type CliResult, runCli, type TempProject, tempProject } from "../helpers/cli.ts";
import { freePort } from "../helpers/net.ts";
import { removeTempDirs, tempDir } from "../config/tmp.ts";

let project: TempProject | undefined;
let stranger: ReturnType<typeof Bun.serve> | undefined;
afterEach(async () => {
  await stranger?.stop(true);
  stranger = undefined;
  await project?.cleanup();
  project = undefined;
  removeTempDirs();
});

/** The doctor's line that mentions `text`. */
function line(r: CliResult, text: string): string {
  const found = r.stdout.split("\n").find((l) => l.includes(text));
  if (found === undefined) throw new Error(`no line mentions ${JSON.stringify(text)} in:\n${r.stdout}${r.stderr}`);
  return found;
}

describe("canopy doctor", () => {
  test("a healthy setup: every check ok, exit 0", async () => {
    const port = await freePort();
    const p = (project = tempProject());
    p.writeConfig({ services: { web: { cmd: "sleep 100", port }, job: { cmd: ["sleep", "1"] } } });
    const r = await p.cli(["doctor"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(line(r, "config")).toBe(`ok    config ${p.configFile} loads (2 services)`);
    expect(line(r, "daemon")).toBe("ok    daemon: not running (start it with `canopy up -d`)");
    expect(line(r, "web: command")).toMatch(/^ok {4}web: command \/\S+\/sleep \(under \/bin\/sh -c\)$/);
    expect(line(r, "job: command")).toMatch(/^ok {4}job: command \/\S+\/sleep$/);
    expect(line(r, `port ${port}`)).toBe(`ok    web: port ${port} is free`);
    expect(line(r, "state folder")).toBe(`ok    state folder ${p.stateDir} does not exist yet; it will be created in ${join(p.stateDir, "..")}`);
    expect(r.stdout).toEndWith("All checks passed.\n");
    expect(r.stdout).not.toContain("FAIL");
  });

  test("a foreign file: what it was read as, and one warn line per way canopy will run it differently", async () => {
    const p = (project = tempProject());
    const conf = p.writeFile("supervisord.conf", "[supervisord]\nnodaemon=true\n\n[program:web]\ncommand=sleep 100\nuser=www-data\n");
    const r = await p.cli(["-c", conf, "doctor"]);
    expect(r.code).toBe(0);
    expect(line(r, "loads")).toBe(`ok    config ${conf} loads (1 service, read as a supervisord file)`);
    expect(r.stdout.split("\n").filter((l) => l.startsWith("warn"))).toEqual([
      "warn  differs: [supervisord].nodaemon: not supported, left out",
      "warn  differs: [program:web].user: ignored: canopy runs every service as the user running canopy (it has no user key)",
    ]);
  });

  test("a command that is not installed, and a script that is not executable: FAIL with the fix, exit 1", async () => {
    const p = (project = tempProject());
    const script = p.writeFile("run.sh", "#!/bin/sh\nsleep 1\n");
    chmodSync(script, 0o644);
    p.writeConfig({ services: { api: { cmd: "exec no-such-program-xyz --serve" }, tool: { cmd: ["./run.sh"] }, env: { cmd: "FOO=1 sleep 1" } } });
    const r = await p.cli(["doctor"]);
    expect(r.code).toBe(1);
    expect(line(r, "api:")).toStartWith('FAIL  api: command "no-such-program-xyz" is not on its PATH (');
    expect(line(r, "api:")).toEndWith("; fix: install no-such-program-xyz, or fix api's cmd");
    expect(line(r, "tool:")).toBe(`FAIL  tool: command ${script} is not executable; fix: chmod +x ${script}`);
    expect(line(r, "env:")).toStartWith("ok    env: command ");
    expect(r.stdout).toEndWith("2 checks failed.\n");
  });

  test("a service's own PATH is the one searched", async () => {
    const p = (project = tempProject());
    const bin = join(p.dir, "bin");
    mkdirSync(bin);
    writeFileSync(join(bin, "only-here"), "#!/bin/sh\n", { mode: 0o755 });
    p.writeConfig({ services: { a: { cmd: "only-here", env: { PATH: `${bin}:/usr/bin:/bin` } }, b: { cmd: "only-here" } } });
    const r = await p.cli(["doctor"]);
    expect(line(r, "a: command")).toBe(`ok    a: command ${join(bin, "only-here")} (under /bin/sh -c)`);
    expect(line(r, "b: command")).toStartWith("FAIL  b: command");
    expect(r.code).toBe(1);
  });

  test("a port a stranger holds: FAIL naming its pid and command; two services on one port: FAIL", async () => {
    const port = await freePort();
    stranger = Bun.serve({ port, hostname: "127.0.0.1", fetch: () => new Response("") });
    const p = (project = tempProject());
    p.writeConfig({ services: { web: { cmd: "sleep 100", port }, other: { cmd: "sleep 100", port: 1 }, again: { cmd: "sleep 1", port: 1 } } });
    const r = await p.cli(["doctor"]);
    expect(r.code).toBe(1);
    expect(line(r, `web: port ${port}`)).toStartWith(`FAIL  web: port ${port} is held by pid ${process.pid} (`);
    expect(line(r, `web: port ${port}`)).toEndWith("; fix: stop it, or change web's port");
    expect(line(r, "port 1 is given")).toBe("FAIL  port 1 is given to other and again; fix: give each service its own port");
  });

  test("a port held by the service itself under our running daemon is fine", async () => {
    const port = await freePort();
    const p = (project = tempProject());
    p.writeConfig({ services: { api: p.listener(port, `doctor-${port}`) } });
    const up = await p.cli(["up", "-d"]);
    expect(up.code).toBe(0);
    const pid = (await p.status()).services[0]?.pid;
    const r = await p.cli(["doctor"]);
    expect(r.code).toBe(0);
    expect(line(r, "daemon")).toMatch(/^ok {4}daemon: running \(pid \d+, canopy /);
    expect(line(r, `port ${port}`)).toBe(`ok    api: port ${port} is held by api itself (pid ${pid})`);
    expect(line(r, "state folder")).toBe(`ok    state folder ${p.stateDir} (mode 0700, yours)`);
  });

  test("state folder writable by others, owned by someone else, or impossible to create: FAIL with the fix", async () => {
    const p = (project = tempProject());
    p.writeConfig({ services: { a: { cmd: "sleep 1" } } });
    mkdirSync(p.stateDir, { mode: 0o700 });
    chmodSync(p.stateDir, 0o777);
    const open = await p.cli(["doctor"]);
    expect(open.code).toBe(1);
    expect(line(open, "state folder")).toBe(`FAIL  state folder ${p.stateDir} is writable by others (mode 0777); fix: chmod 700 ${p.stateDir}`);

    // Root gives a folder away; for anyone else "/" already belongs to someone else (root).
    const root = process.getuid?.() === 0;
    const foreign = root ? p.stateDir : "/";
    const owner = root ? 65534 : 0;
    chmodSync(p.stateDir, 0o700);
    if (root) chownSync(p.stateDir, owner, owner);
    const theirs = await runCli(["-c", p.configFile, "doctor"], { cwd: p.dir, stateDir: foreign });
    expect(line(theirs, "state folder")).toBe(
      `FAIL  state folder ${foreign} is a folder owned by uid ${owner}, not by you (uid ${process.getuid?.()}); fix: remove ${foreign}, or set CANOPY_STATE_DIR`,
    );
    if (root) chownSync(p.stateDir, 0, 0);

    const file = join(p.dir, "a-file");
    writeFileSync(file, "");
    const blocked = await runCli(["-c", p.configFile, "doctor"], { cwd: p.dir, stateDir: join(file, "state") });
    expect(blocked.code).toBe(1);
    expect(line(blocked, "state folder")).toStartWith(`FAIL  state folder ${join(file, "state")} does not exist and cannot be created: ${file} is not writable`);
  });

  test("an invalid config, or none: one FAIL line, exit 1", async () => {
    const bad = tempDir({ "canopy.yaml": "services:\n  web: { cmd: sleep 1, restrat: always }\n" });
    const r = await runCli(["doctor"], { cwd: bad });
    expect(r.code).toBe(1);
    expect(r.stdout).toStartWith("FAIL  config: ");
    expect(r.stdout).toContain("restrat");
    expect(r.stdout).toEndWith("1 check failed.\n");
    const none = await runCli(["doctor"], { cwd: tempDir() });
    expect(none.code).toBe(1);
    expect(none.stdout).toContain("fix: run `canopy init`, or pass -c FILE");
  });
});

describe("doctor pieces", () => {
  test("the program a shell command starts", () => {
    expect(scriptProgram("python3 -m http.server")).toBe("python3");
    expect(scriptProgram("FOO=1 BAR=x exec ./bin/serve --flag")).toBe("./bin/serve");
    expect(scriptProgram("cd web && npm start")).toBeUndefined();
    expect(scriptProgram("$HOME/bin/x")).toBeUndefined();
    expect(scriptProgram('"quoted prog"')).toBeUndefined();
    expect(programsOf(["/bin/sh", "-c", "sleep 1"])).toEqual(["/bin/sh", "sleep"]);
    expect(programsOf(["/bin/sh", "-c", "while true; do :; done"])).toEqual(["/bin/sh"]);
    expect(programsOf(["node", "x.js"])).toEqual(["node"]);
  });

  test("port verdicts and line format", () => {
    const svc = { name: "web", port: 80 } as Parameters<typeof portCheck>[0];
    expect(portCheck(svc, { kind: "ours", service: "api", pid: 5 })).toEqual({
      status: "fail",
      what: "web: port 80 is held by this config's service api (pid 5)",
      fix: "give web and api different ports",
    });
    expect(portCheck(svc, { kind: "other" }).what).toBe("web: port 80 is held by a process this user cannot see");
    const c = makeColors(false);
    expect(formatCheck(c, { status: "fail", what: "x\ny", fix: "z" })).toBe("FAIL  x\n      y; fix: z\n");
    expect(formatCheck(c, { status: "warn", what: "w" })).toBe("warn  w\n");
    expect(formatCheck(makeColors(true), { status: "ok", what: "fine" })).toBe("\u001b[32mok  \u001b[39m  fine\n");
    expect(summary([{ status: "warn", what: "" }])).toBe("All checks passed.\n");
  });
});
