/** The everyday cycle through the real CLI: up -d, status, restart, logs, stop, start, down. */
import { afterEach, expect, test } from "bun:test";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { BUN, cliEnv, MAIN, type TempProject, tempProject } from "../helpers/cli.ts";
import { freePort, httpGet, LineReader, pidAlive, pidsWithMarker, portAccepts, waitFor } from "../helpers/net.ts";

let project: TempProject | undefined;

afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

test("up -d, status, restart, logs, stop, start, down", async () => {
  const port = await freePort();
  const p = (project = tempProject());
  p.writeConfig({ services: { web: p.listener(port, "lifecycle-web"), printer: p.printer(30) } });

  // up -d: exit 0, one line per service saying it runs.
  const up = await p.cli(["up", "-d"]);
  expect(up.stderr).toContain("daemon running");
  expect(up.code).toBe(0);
  expect(up.stdout).toMatch(new RegExp(`^web: running \\(pid \\d+, port ${port}\\)$`, "m"));
  expect(up.stdout).toMatch(/^printer: running \(pid \d+\)$/m);
  expect(await httpGet(port)).toBeDefined();

  // status --json: the documented shape.
  const doc = await p.status();
  expect(Object.keys(doc).sort()).toEqual(["daemon", "services"]);
  expect(Object.keys(doc.daemon).sort()).toEqual(["config_file", "containment", "pid", "started_at", "version"]);
  expect(doc.daemon.pid).toBeGreaterThan(0);
  expect(doc.daemon.version).toMatch(/^canopy \d+\.\d+\.\d+\S* \(\S+\)$/);
  expect(Number.isNaN(Date.parse(doc.daemon.started_at))).toBe(false);
  expect(pidAlive(doc.daemon.pid)).toBe(true);
  expect(doc.services.map((s) => s.name)).toEqual(["web", "printer"]);
  const [web, printer] = doc.services;
  for (const key of ["name", "status", "pid", "port", "restarts", "started_at", "exit_code", "start_error"]) {
    expect(web).toHaveProperty(key);
  }
  expect(web).toMatchObject({ name: "web", status: "running", port, restarts: 0, exit_code: null, start_error: null });
  expect(printer).toMatchObject({ name: "printer", status: "running", port: null, restarts: 0, start_error: null });
  const webPid = web?.pid as number;
  expect(webPid).toBeGreaterThan(0);
  expect(await httpGet(port)).toBe(String(webPid));
  expect(pidsWithMarker("lifecycle-web")).toEqual([webPid]);

  // status as a table.
  const table = await p.cli(["status"]);
  expect(table.code).toBe(0);
  const rows = table.stdout.trimEnd().split("\n");
  expect(rows[0]).toMatch(/^NAME\s+STATUS\s+READY\s+PID\s+PORT\s+CPU\s+MEM\s+UPTIME\s+RESTARTS\s+WHY$/);
  expect(rows[1]).toMatch(new RegExp(`^web\\s+running\\s+yes\\s+${webPid}\\s+${port}\\s+\\d+\\.\\d%\\s+\\d+\\.\\d[KMG]\\s+\\d+[smhd]\\S*\\s+0$`));
  expect(rows[2]).toMatch(/^printer\s+running\s+yes\s+\d+\s+-\s+\S+\s+\S+\s+\S+\s+0$/);

  // restart: a new pid, the old one gone, the port serving again (from the new process).
  const restarted = await p.cli(["restart", "web"]);
  expect(restarted.stderr).toBe("");
  expect(restarted.code).toBe(0);
  expect(restarted.stdout).toMatch(/^web: running \(pid \d+/m);
  const afterRestart = (await p.status()).services.find((s) => s.name === "web");
  const newPid = afterRestart?.pid as number;
  expect(afterRestart?.status).toBe("running");
  expect(newPid).toBeGreaterThan(0);
  expect(newPid).not.toBe(webPid);
  await waitFor(() => !pidAlive(webPid), `old web pid ${webPid} to be gone`);
  expect(await waitFor(() => httpGet(port), "the port to serve after restart")).toBe(String(newPid));
  expect(restarted.stdout).toContain(`pid ${newPid}`);

  // logs NAME -n N: the last N lines, prefixed.
  await waitFor(async () => (await p.cli(["logs", "printer", "-n", "1"])).stdout === "[printer] line 30\n", "printer's last line in its log");
  const logs = await p.cli(["logs", "printer", "-n", "3"]);
  expect(logs.code).toBe(0);
  expect(logs.stdout).toBe("[printer] line 28\n[printer] line 29\n[printer] line 30\n");
  const webLogs = await p.cli(["logs", "web", "-n", "1"]);
  expect(webLogs.stdout).toBe(`[web] ready pid=${newPid} port=${port}\n`);

  // stop NAME: stopped, process gone, port free.
  const stopped = await p.cli(["stop", "web"]);
  expect(stopped.code).toBe(0);
  expect(stopped.stdout).toMatch(/^web: stopped/m);
  expect(pidAlive(newPid)).toBe(false);
  await waitFor(async () => !(await portAccepts(port)), "the port to be free after stop");
  const afterStop = await p.status();
  expect(afterStop.services.find((s) => s.name === "web")).toMatchObject({ status: "stopped", pid: null });
  expect(afterStop.services.find((s) => s.name === "printer")?.status).toBe("running");

  // start NAME: running again on its port.
  const started = await p.cli(["start", "web"]);
  expect(started.code).toBe(0);
  expect(started.stdout).toMatch(new RegExp(`^web: running \\(pid \\d+, port ${port}\\)$`, "m"));
  const third = (await p.status()).services.find((s) => s.name === "web")?.pid as number;
  expect(await httpGet(port)).toBe(String(third));

  // down: exit 0, socket gone, every child and the daemon gone.
  const before = await p.status();
  const pids = [before.daemon.pid, ...before.services.map((s) => s.pid as number)];
  expect(existsSync(p.socketPath)).toBe(true);
  const down = await p.cli(["down"]);
  expect(down.code).toBe(0);
  expect(existsSync(p.socketPath)).toBe(false);
  await waitFor(() => pids.every((pid) => !pidAlive(pid)), `pids ${pids.join(", ")} to be gone after down`);
  expect(pidsWithMarker(p.dir)).toEqual([]);
  expect(await portAccepts(port)).toBe(false);

  // logs still work after down, from the log files.
  const fileLogs = await p.cli(["logs", "printer", "-n", "2"]);
  expect(fileLogs.code).toBe(0);
  expect(fileLogs.stdout).toBe("[printer] line 29\n[printer] line 30\n");
}, 120_000);

test("logs -f streams the backlog and new lines, and ends with exit 0 when the daemon goes down", async () => {
  const p = (project = tempProject());
  p.writeConfig({ services: { printer: p.printer(5), other: p.printer(2) } });
  expect((await p.cli(["up", "-d"])).code).toBe(0);
  await waitFor(async () => (await p.cli(["logs", "printer", "-n", "1"])).stdout === "[printer] line 5\n", "printer's last line");

  const follower = Bun.spawn([BUN, MAIN, "-c", p.configFile, "logs", "-f", "-n", "2", "printer"], {
    env: cliEnv({ stateDir: p.stateDir }),
    cwd: p.dir,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  try {
    const out = new LineReader(follower.stdout);
    expect(await out.next()).toBe("[printer] line 4");
    expect(await out.next()).toBe("[printer] line 5");
    // A restart prints the lines again, live; the other service's lines are not followed.
    expect((await p.cli(["restart", "printer", "other"])).code).toBe(0);
    for (let i = 1; i <= 5; i++) expect(await out.next()).toBe(`[printer] line ${i}`);

    expect((await p.cli(["down"])).code).toBe(0);
    expect(await follower.exited).toBe(0);
    expect(await out.rest()).toEqual([]);
  } finally {
    if (follower.exitCode === null) follower.kill("SIGKILL");
  }
}, 60_000);

test("logs/ exists from the start, even when no service has printed yet", async () => {
  const p = (project = tempProject());
  p.writeConfig({ services: { quiet: { cmd: ["sleep", "60"] } } });
  expect((await p.cli(["up", "-d"])).code).toBe(0);
  // The state watch restores a logs/ it finds missing; one never made must not look deleted.
  const logs = join(p.stateDir, "logs");
  expect(existsSync(logs)).toBe(true);
  expect(statSync(logs).mode & 0o777).toBe(0o700);
  expect(readFileSync(join(p.stateDir, "daemon.log"), "utf8")).not.toContain("deleted");
  expect((await p.cli(["down"])).code).toBe(0);
});

/**
 * `canopy logs -f ARGS | head -n 2` through a real pipe, as a shell makes one: what head
 * printed, canopy's stderr and the pipeline's exit code, and canopy's own exit code (kept in a file).
 */
async function followIntoHead(p: TempProject, args: string[]): Promise<{ lines: string[]; err: string; code: number; canopyCode: string }> {
  const rc = join(p.dir, "rc");
  const sh = Bun.spawn(["sh", "-c", `{ "$@"; echo $? > "${rc}"; } | head -n 2`, "sh", BUN, MAIN, "-c", p.configFile, "logs", "-f", ...args], {
    cwd: p.dir,
    env: cliEnv({ stateDir: p.stateDir }),
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err, code] = await Promise.all([new Response(sh.stdout).text(), new Response(sh.stderr).text(), sh.exited]);
  return { lines: out.trimEnd().split("\n"), err, code, canopyCode: readFileSync(rc, "utf8").trim() };
}

test("logs -f into a reader that stops early (`| head -n 2`) ends quietly with exit 0", async () => {
  const p = (project = tempProject());
  p.writeConfig({ services: { ticker: { cmd: ["sh", "-c", "while :; do echo tick; sleep 0.02; done"] } } });
  expect((await p.cli(["up", "-d"])).code).toBe(0);
  expect(await followIntoHead(p, [])).toEqual({ lines: ["[ticker] tick", "[ticker] tick"], err: "", code: 0, canopyCode: "0" });
}, 30_000);

test("logs -f of a service that went quiet ends too when its reader leaves (`| head -n 2`), nothing more being written", async () => {
  const p = (project = tempProject());
  p.writeConfig({ services: { quiet: { cmd: ["sh", "-c", "for i in 1 2 3 4 5; do echo line $i; done; exec sleep 600"] } } });
  expect((await p.cli(["up", "-d"])).code).toBe(0);
  await waitFor(async () => (await p.cli(["logs", "quiet", "-n", "1"])).stdout === "[quiet] line 5\n", "quiet's last line in its log");
  // The five lines come from the file in one write; head takes two and leaves; the service says nothing more.
  expect(await followIntoHead(p, ["quiet"])).toEqual({ lines: ["[quiet] line 1", "[quiet] line 2"], err: "", code: 0, canopyCode: "0" });
}, 30_000);
