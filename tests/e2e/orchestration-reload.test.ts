/** Live reload through the real CLI and daemon: only the difference is applied; a dry run and a bad config change nothing; SIGHUP reloads. */
import { afterEach, expect, test } from "bun:test";
import { type TempProject, tempProject } from "../helpers/cli.ts";
import { freePort, httpGet, pidAlive, waitFor } from "../helpers/net.ts";
import { fixtures, waitForService } from "./orchestration-fixtures.ts";

let project: TempProject | undefined;

afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

type Pids = Record<string, number | null>;

async function pids(p: TempProject): Promise<Pids> {
  return Object.fromEntries((await p.status()).services.map((s) => [s.name, s.pid]));
}

test("reload: unchanged keep their pid, added start, removed stop, changed restart with the new settings; --dry-run and a bad config change nothing", async () => {
  const p = (project = tempProject());
  const f = fixtures(p);
  const port = await freePort();
  const before = {
    services: {
      keep: { cmd: f.idle },
      gone: { cmd: f.idle },
      edit: { cmd: f.server, port, env: { GREETING: "hello" } },
    },
  };
  p.writeConfig(before);
  expect((await p.cli(["up", "-d"])).code).toBe(0);
  const first = await pids(p);
  expect(await httpGet(port)).toBe(`${first.edit} hello`);

  const after = {
    services: {
      keep: { cmd: f.idle },
      edit: { cmd: f.server, port, env: { GREETING: "bonjour" } },
      added: { cmd: f.idle },
    },
  };
  p.writeConfig(after);

  // A dry run prints the plan and touches nothing.
  const dry = await p.cli(["reload", "--dry-run"]);
  expect(dry.code).toBe(0);
  expect(dry.stdout).toBe("+ added\n- gone\n~ edit\n= 1 unchanged\n");
  expect(dry.stderr).toContain("dry run: nothing was changed");
  expect(await pids(p)).toEqual(first);

  const applied = await p.cli(["reload"]);
  expect(applied.code).toBe(0);
  expect(applied.stdout).toBe("+ added\n- gone\n~ edit\n= 1 unchanged\n");
  const second = await pids(p);
  expect(Object.keys(second)).toEqual(["keep", "edit", "added"]);
  expect(second.keep).toBe(first.keep);
  expect(second.edit).not.toBe(first.edit);
  expect(second.added).toBeGreaterThan(0);
  await waitFor(() => !pidAlive(first.gone as number) && !pidAlive(first.edit as number), "the removed and the old changed process to be gone");
  expect(pidAlive(first.keep as number)).toBe(true);
  expect(await waitFor(() => httpGet(port), "edit to serve again")).toBe(`${second.edit} bonjour`);
  const doc = await p.status();
  expect(doc.services.map((s) => [s.name, s.status])).toEqual([
    ["keep", "running"],
    ["edit", "running"],
    ["added", "running"],
  ]);

  // An invalid config: exit 2 with the daemon's message (file, service, field); nothing changes.
  p.writeConfig("services:\n  keep:\n    cmd: 42\n");
  const bad = await p.cli(["reload"]);
  expect(bad.code).toBe(2);
  expect(bad.stdout).toBe("");
  expect(bad.stderr).toContain("canopy.yaml");
  expect(bad.stderr).toContain('"keep"');
  expect(bad.stderr).toContain('"cmd"');
  expect(await pids(p)).toEqual(second);
  // status still answers, from the daemon, with a warning that the file does not load.
  const status = await p.cli(["status"]);
  expect(status.code).toBe(0);
  expect(status.stderr).toContain('warning: canopy.yaml:3: service "keep", field "cmd"');
  expect(status.stdout).toMatch(/^keep\s+running/m);
  const badDry = await p.cli(["reload", "--dry-run"]);
  expect(badDry.code).toBe(2);
  // A dependency cycle is refused the same way.
  p.writeConfig({ services: { keep: { cmd: f.idle, depends_on: ["added"] }, added: { cmd: f.idle, depends_on: ["keep"] } } });
  const cycle = await p.cli(["reload"]);
  expect(cycle.code).toBe(2);
  expect(cycle.stderr).toContain("cycle");
  expect(await pids(p)).toEqual(second);

  // Reloading the same config again changes nothing.
  p.writeConfig(after);
  const same = await p.cli(["reload"]);
  expect(same.code).toBe(0);
  expect(same.stdout).toBe("= 3 unchanged\n");
  expect(await pids(p)).toEqual(second);
}, 90_000);

test("SIGHUP to the daemon reloads the config too; a bad config then is logged and changes nothing", async () => {
  const p = (project = tempProject());
  const f = fixtures(p);
  p.writeConfig({ services: { one: { cmd: f.idle }, two: { cmd: f.idle, env: { GREETING: "a" } } } });
  expect((await p.cli(["up", "-d"])).code).toBe(0);
  const doc = await p.status();
  const first = await pids(p);

  p.writeConfig({ services: { one: { cmd: f.idle }, two: { cmd: f.idle, env: { GREETING: "b" } }, three: { cmd: f.idle } } });
  process.kill(doc.daemon.pid, "SIGHUP");
  await waitForService(p, "three", (s) => s.status === "running", "to be started by the reload");
  const second = await pids(p);
  expect(second.one).toBe(first.one);
  expect(second.two).not.toBe(first.two);
  await waitFor(async () => (await p.cli(["logs", "two", "-n", "1"])).stdout === "[two] idle b\n", "two to run with its new env");

  p.writeConfig("services: [not, a, mapping]\n");
  process.kill(doc.daemon.pid, "SIGHUP");
  await waitFor(async () => (await Bun.file(`${p.stateDir}/daemon.log`).text()).includes("reload refused, nothing changed"), "the refusal in the daemon log");
  expect(await pids(p)).toEqual(second);
  expect((await p.status()).daemon.pid).toBe(doc.daemon.pid);

  // down needs no valid config: it stops the daemon the config file names.
  const down = await p.cli(["down"]);
  expect(down.code).toBe(0);
  await waitFor(() => !pidAlive(doc.daemon.pid) && Object.values(second).every((pid) => !pidAlive(pid as number)), "everything to be gone");
}, 90_000);
