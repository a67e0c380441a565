/** `canopy signal` and `canopy reload NAME` through the real CLI and daemon, against a shell that traps signals. */
import { afterEach, expect, test } from "bun:test";
import { type TempProject, tempProject } from "../helpers/cli.ts";
import { pidAlive, waitFor } from "../helpers/net.ts";

let project: TempProject | undefined;

afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

/** Says which signal it caught, on stdout; a signal it does not trap would end it. */
const TRAPPER = `trap 'echo "trapped USR1 in $$"' USR1
trap 'echo "trapped HUP in $$"' HUP
echo "ready $$"
while :; do sleep 60 & wait $! 2>/dev/null; done
`;

async function logsOf(p: TempProject, name: string): Promise<string> {
  const r = await p.cli(["logs", name, "-n", "50"]);
  return r.stdout;
}

async function pidOf(p: TempProject, name: string): Promise<number | null> {
  return (await p.status()).services.find((s) => s.name === name)?.pid ?? null;
}

test("signal delivers SIGUSR1 to the service's group; reload NAME sends reload_signal in place (same pid) and restarts a service without one", async () => {
  const p = (project = tempProject());
  const script = p.writeFile("trapper.sh", TRAPPER);
  p.writeConfig({
    services: {
      nginxish: { cmd: ["sh", script], reload_signal: "SIGHUP" },
      plain: { cmd: ["sh", script] },
      idle: { cmd: ["sh", script], autostart: false },
    },
  });
  expect((await p.cli(["up", "-d"])).code).toBe(0);
  const pid = await pidOf(p, "nginxish");
  await waitFor(async () => (await logsOf(p, "nginxish")).includes(`ready ${pid}`), "the trapper to be ready");

  const sent = await p.cli(["signal", "nginxish", "usr1"]);
  expect(sent).toMatchObject({ code: 0, stdout: `nginxish: sent SIGUSR1 to process group ${pid}\n` });
  await waitFor(async () => (await logsOf(p, "nginxish")).includes(`trapped USR1 in ${pid}`), "the USR1 trap's line in the logs");

  const plainBefore = await pidOf(p, "plain");
  await waitFor(async () => (await logsOf(p, "plain")).includes(`ready ${plainBefore}`), "plain to be ready");
  const reloaded = await p.cli(["reload", "nginxish", "plain"]);
  expect(reloaded.code).toBe(0);
  expect(reloaded.stdout).toContain(`nginxish: sent SIGHUP (pid ${pid} kept)\n`);
  expect(reloaded.stdout).toContain("plain: restarted");
  await waitFor(async () => (await logsOf(p, "nginxish")).includes(`trapped HUP in ${pid}`), "the HUP trap's line in the logs");
  expect(await pidOf(p, "nginxish")).toBe(pid);
  const plainAfter = await pidOf(p, "plain");
  expect(plainAfter).not.toBe(plainBefore);
  await waitFor(() => !pidAlive(plainBefore as number), "the old plain process to be gone");
  expect((await p.status()).services.map((s) => [s.name, s.status])).toEqual([
    ["nginxish", "running"],
    ["plain", "running"],
    ["idle", "stopped"],
  ]);
}, 90_000);

test("signal refuses an unknown service, a stopped one and a bad signal name, with exit codes that say so", async () => {
  const p = (project = tempProject());
  p.writeConfig({ services: { idle: { cmd: ["sleep", "600"], autostart: false } } });
  expect((await p.cli(["up", "-d"])).code).toBe(0);
  const stopped = await p.cli(["signal", "idle", "SIGUSR1"]);
  expect(stopped.code).toBe(1);
  expect(stopped.stderr).toContain("idle is not running");
  const unknown = await p.cli(["signal", "nope", "SIGUSR1"]);
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toContain('no service named "nope"');
  const bad = await p.cli(["signal", "idle", "SIGNOPE"]);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('unknown signal "SIGNOPE"');
  const noSignal = await p.cli(["signal", "idle"]);
  expect(noSignal.code).toBe(2);
  expect((await p.cli(["reload", "idle", "--dry-run"])).code).toBe(2);
}, 90_000);
