/**
 * `user:` through the real CLI and daemon. Needs root (as CI runs) for the daemon to switch
 * users; the account is the existing nobody/nogroup (65534), and the non-root daemon is that
 * same uid, dropped to with Bun.spawn's uid/gid. No account is added.
 */
import { afterAll, afterEach, beforeAll, expect, test } from "bun:test";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StatusDocument } from "../../src/api/wire.ts";
import { type CliResult, type TempProject, tempProject } from "../helpers/cli.ts";
import { killMarked, waitFor } from "../helpers/net.ts";
import { canopyCommandFor, runCanopyAs } from "../helpers/runs-as.ts";
import { pidRunning } from "../helpers/proc.ts";

const NOBODY = 65534;
let project: TempProject | undefined;
const dirs: string[] = [];
/** `[bun, main.ts]` that uid 65534 can run. */
let canopyForNobody: string[] = [];

function tempFor(prefix: string, owner: number, mode: number): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  dirs.push(dir);
  chmodSync(dir, mode);
  chownSync(dir, owner, owner);
  return dir;
}

beforeAll(() => {
  expect(process.getuid?.()).toBe(0); // running a service as another user needs root (CI runs as root)
  canopyForNobody = canopyCommandFor({ uid: NOBODY, gid: NOBODY }, tempFor("canopy-runas-bin-", 0, 0o755));
});

afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

afterAll(async () => {
  for (const d of dirs.splice(0)) {
    await killMarked(d);
    rmSync(d, { recursive: true, force: true });
  }
});

function idsOf(pid: number): Record<string, string> {
  const text = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (key: string) => (new RegExp(`^${key}:\\s*(.*)$`, "m").exec(text)?.[1] ?? "").trim().replace(/\s+/g, " ");
  return { Uid: field("Uid"), Gid: field("Gid"), Groups: field("Groups") };
}

test("a root daemon runs `user: nobody` as nobody (uid, gid, groups, login variables); logs stay the daemon's; down stops it", async () => {
  const p = (project = tempProject());
  p.writeConfig({ services: { web: { cmd: 'echo "home=$HOME user=$USER logname=$LOGNAME"; sleep 600 & wait', user: "nobody" } } });
  const up = await p.cli(["up", "-d"]);
  expect(up.code).toBe(0);
  const svc = (await p.status()).services[0];
  expect(svc).toMatchObject({ name: "web", status: "running", user: { name: "nobody", uid: 65534, group: "nogroup", gid: 65534 } });
  const pid = svc?.pid as number;
  expect(idsOf(pid)).toEqual({ Uid: "65534 65534 65534 65534", Gid: "65534 65534 65534 65534", Groups: "65534" });
  await waitFor(async () => (await p.cli(["logs", "web"])).stdout.includes("home=/nonexistent user=nobody logname=nobody"), "the service's login variables in its log");
  const log = statSync(join(p.stateDir, "logs", "web.log"));
  expect({ uid: log.uid, mode: log.mode & 0o777 }).toEqual({ uid: 0, mode: 0o600 });

  expect((await p.cli(["down"])).code).toBe(0);
  expect(pidRunning(pid)).toBe(false);
}, 90_000);

/** The CLI as uid/gid 65534, with a state folder it owns. */
async function cliAsNobody(p: TempProject, stateDir: string, args: string[]): Promise<CliResult> {
  const env = { PATH: "/usr/bin:/bin", HOME: stateDir, CANOPY_STATE_DIR: join(stateDir, "state") };
  return runCanopyAs(canopyForNobody, { uid: NOBODY, gid: NOBODY }, ["-c", p.configFile, ...args], { cwd: p.dir, env });
}

test("a daemon that is not root refuses a service that names another user, naming file, service and field; its own user is fine", async () => {
  const p = (project = tempProject());
  // The project folder must be readable by uid 65534; its state folder its own.
  chmodSync(p.dir, 0o755);
  const home = tempFor("canopy-runas-home-", NOBODY, 0o700);
  mkdirSync(join(home, "state"), { mode: 0o700 });
  chownSync(join(home, "state"), NOBODY, NOBODY);

  p.writeConfig("services:\n  ok:\n    cmd: [sleep, '600']\n  web:\n    cmd: [sleep, '600']\n    user: root\n");
  const refused = await cliAsNobody(p, home, ["up", "-d"]);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain('canopy.yaml:6: service "web", field "user": canopy runs as uid 65534, not root');
  // Nothing was started: no daemon answers.
  expect((await cliAsNobody(p, home, ["status"])).code).toBe(3);

  p.writeConfig("services:\n  web:\n    cmd: [sleep, '600']\n    user: nobody\n");
  const up = await cliAsNobody(p, home, ["up", "-d"]);
  expect(up.code).toBe(0);
  const status = await cliAsNobody(p, home, ["status", "--json"]);
  const svc = (JSON.parse(status.stdout) as StatusDocument).services[0];
  expect(svc).toMatchObject({ status: "running", user: { name: "nobody", uid: 65534 } });
  expect(idsOf(svc?.pid as number).Uid).toBe("65534 65534 65534 65534");
  expect((await cliAsNobody(p, home, ["down"])).code).toBe(0);
  expect(pidRunning(svc?.pid as number)).toBe(false);
}, 90_000);
