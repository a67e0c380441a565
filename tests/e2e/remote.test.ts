/**
 * `-H ssh://…` against a real sshd on 127.0.0.1. The "remote" daemon's state folder is given to
 * sessions by the sshd (SetEnv), and the local CLI runs with another one: only through ssh can
 * it reach that daemon. A second sshd's sessions have no canopy on their PATH.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { chmodSync, existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StatusDocument } from "../../src/api/wire.ts";
import { BUN, MAIN, cliEnv, runCli, tempProject, type TempProject } from "../helpers/cli.ts";
import { freePort, LineReader, pidsWithMarker, waitFor } from "../helpers/net.ts";
import { startSshd, type TestSshd } from "../helpers/sshd.ts";

let sshd: TestSshd;
let bare: TestSshd;
/** Has canopy, but its sessions keep state in a folder no daemon uses. */
let idle: TestSshd;
let project: TempProject;
let localState: string;
let bin: string;
const webPort = freePort();

/** `canopy ARGS` here, with ssh through the test sshd's client config and a state folder the daemon does not use. */
function local(args: string[], env: Record<string, string | undefined> = {}) {
  return runCli(args, { stateDir: localState, env: { CANOPY_SSH: sshd.sshCommand, CANOPY_HOST: undefined, ...env }, timeoutMs: 60_000 });
}

async function remoteStatus(): Promise<StatusDocument> {
  const r = await local(["-H", sshd.url, "-c", project.configFile, "status", "--json"]);
  if (r.code !== 0) throw new Error(`status over ssh exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as StatusDocument;
}

beforeAll(async () => {
  project = tempProject();
  project.writeConfig({ services: { web: project.listener(webPort), printer: project.printer(5) } });
  localState = realpathSync(mkdtempSync(join(tmpdir(), "canopy-local-state-")));
  bin = realpathSync(mkdtempSync(join(tmpdir(), "canopy-remote-bin-")));
  writeFileSync(join(bin, "canopy"), `#!/bin/sh\nexec ${BUN} ${MAIN} "$@"\n`);
  chmodSync(join(bin, "canopy"), 0o755);
  const path = `${bin}:${process.env.PATH}`;
  [sshd, bare, idle] = await Promise.all([
    startSshd({ PATH: path, CANOPY_STATE_DIR: project.stateDir }),
    startSshd({ PATH: "/usr/bin:/bin" }),
    startSshd({ PATH: path, CANOPY_STATE_DIR: join(localState, "idle") }),
  ]);
  // `up` needs the machine itself: it runs there, through ssh, and comes back once the services run.
  const up = await local(["-H", sshd.url, "-c", project.configFile, "up", "-d"]);
  expect({ code: up.code, stderr: up.stderr }).toMatchObject({ code: 0 });
}, 120_000);

afterAll(async () => {
  await project?.cleanup();
  await Promise.all([sshd?.stop(), bare?.stop(), idle?.stop()]);
  rmSync(localState, { recursive: true, force: true });
  rmSync(bin, { recursive: true, force: true });
}, 60_000);

setDefaultTimeout(60_000);

describe("canopy -H ssh://… (a daemon only the remote side can reach)", () => {
  test("without -H the local side finds no daemon", async () => {
    const r = await local(["-c", project.configFile, "status"]);
    expect(r.code).toBe(3);
  });

  test("status --json answers through the forwarded socket", async () => {
    const doc = await remoteStatus();
    expect(doc.services.map((s) => [s.name, s.status])).toEqual([["web", "running"], ["printer", "running"]]);
    expect(doc.services[0]?.port).toBe(webPort);
  });

  test("restart restarts the remote service (a new pid) and leaves no ssh behind", async () => {
    const before = (await remoteStatus()).services[0]?.pid;
    const r = await local(["-H", sshd.url, "-c", project.configFile, "restart", "web"]);
    expect(r.code).toBe(0);
    const after = (await remoteStatus()).services[0]?.pid;
    expect(after).not.toBeNull();
    expect(after).not.toBe(before);
    expect(pidsWithMarker(String(sshd.port)).filter(isSsh)).toEqual([]);
  });

  test("logs -f follows the remote service until the CLI is stopped; its ssh ends with it", async () => {
    const p = Bun.spawn([BUN, MAIN, "-H", sshd.url, "-c", project.configFile, "logs", "-f", "printer"], {
      env: cliEnv({ stateDir: localState, env: { CANOPY_SSH: sshd.sshCommand } }),
      stdout: "pipe",
      stderr: "pipe",
    });
    const out = new LineReader(p.stdout);
    const lines: string[] = [];
    await waitFor(async () => {
      lines.push(await out.next());
      return lines.some((l) => l.includes("line 5"));
    }, "the printer's 5th line over ssh", 30_000);
    expect(lines.some((l) => /printer.*line 1/.test(l))).toBe(true);
    const [forward] = pidsWithMarker(String(sshd.port)).filter(isSsh);
    const socketDir = /(\/[^:\0]*canopy-ssh-[^/\0]+)\//.exec(readFileSync(`/proc/${forward}/cmdline`, "utf8"))?.[1];
    expect(socketDir && existsSync(socketDir)).toBe(true);
    p.kill("SIGTERM");
    expect(await p.exited).toBe(143);
    await waitFor(() => pidsWithMarker(String(sshd.port)).filter(isSsh).length === 0, "the forward's ssh to end with the CLI", 10_000);
    expect(existsSync(socketDir as string)).toBe(false);
  });

  test("-H a -H b status: one table with a HOST column; --json has each host", async () => {
    const alias = `ssh://127.0.0.1:${sshd.port}`;
    const table = await local(["-H", sshd.url, "-H", alias, "-c", project.configFile, "status"]);
    expect(table.code).toBe(0);
    const rows = table.stdout.trim().split("\n").map((l) => l.split(/\s+/).slice(0, 3));
    expect(rows).toEqual([
      ["HOST", "NAME", "STATUS"],
      [sshd.url, "web", "running"],
      [sshd.url, "printer", "running"],
      [alias, "web", "running"],
      [alias, "printer", "running"],
    ]);
    const json = await local(["-H", sshd.url, "-H", `ssh://127.0.0.1:${freePort()}`, "-c", project.configFile, "status", "--json"]);
    expect(json.code).toBe(4);
    const doc = JSON.parse(json.stdout) as { hosts: { host: string; services?: { name: string }[]; error?: { error_type: string } }[] };
    expect(doc.hosts.map((h) => [h.host, h.services?.map((s) => s.name) ?? h.error?.error_type])).toEqual([
      [sshd.url, ["web", "printer"]],
      [expect.stringMatching(/^ssh:\/\/127\.0\.0\.1:\d+$/), "ssh_failed"],
    ]);
  });

  test("events reads the remote daemon's events", async () => {
    const r = await local(["-H", sshd.url, "-c", project.configFile, "events", "--json", "-n", "100"]);
    expect(r.code).toBe(0);
    const events = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { service: string; type: string });
    expect(events.filter((e) => e.service === "web").map((e) => e.type)).toContain("started");
  });

  test("CANOPY_HOST does what -H does", async () => {
    const r = await local(["-c", project.configFile, "status", "--json"], { CANOPY_HOST: sshd.url });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as StatusDocument).services.map((s) => s.name)).toEqual(["web", "printer"]);
  });
});

describe("each failing part has its own exit code and message", () => {
  test("an unreachable host: ssh itself failed, exit 4", async () => {
    const port = freePort();
    const r = await local(["-H", `ssh://127.0.0.1:${port}`, "-c", project.configFile, "status"]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({
      code: 4,
      stderr: `canopy: ssh to ssh://127.0.0.1:${port} failed: ssh: connect to host 127.0.0.1 port ${port}: Connection refused\n`,
    });
  });

  test("a host without canopy: exit 5, naming the host", async () => {
    const r = await local(["-H", bare.url, "-c", project.configFile, "status"], { CANOPY_SSH: bare.sshCommand });
    expect(r.code).toBe(5);
    expect(r.stderr).toStartWith(`canopy: ${bare.url} has no \`canopy\` to run (`);
    expect(r.stderr).toContain("install canopy there, or set CANOPY_REMOTE_COMMAND to its path");
  });

  test("a host with canopy but no daemon for that config: exit 3, naming the file and the host", async () => {
    const r = await local(["-H", idle.url, "-c", project.configFile, "status"], { CANOPY_SSH: idle.sshCommand });
    expect({ code: r.code, stderr: r.stderr }).toEqual({
      code: 3,
      stderr: `canopy: no daemon is running for ${project.configFile} on ${idle.url} (start one with \`canopy -H ${idle.url} up -d\`)\n`,
    });
  });

  test("a config that is not there: the remote's own error, exit 2", async () => {
    const r = await local(["-H", sshd.url, "-c", "/nonexistent/canopy.yaml", "status"]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 2, stderr: `canopy: on ${sshd.url}: config file /nonexistent/canopy.yaml (from -c) does not exist (looked at /nonexistent/canopy.yaml)\n` });
  });
});

/** An ssh client (not the sshd serving it): its argv[0] ends in "ssh". */
function isSsh(pid: number): boolean {
  try {
    const argv0 = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0] as string;
    return argv0 === "ssh" || argv0.endsWith("/ssh");
  } catch {
    return false;
  }
}
