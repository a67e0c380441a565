/** `canopy up` in the foreground: streams output, and SIGTERM stops every service and the daemon. */
import { afterEach, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { BUN, cliEnv, MAIN, type TempProject, tempProject } from "../helpers/cli.ts";
import { freePort, httpGet, pidAlive, pidsWithMarker, portAccepts, waitFor } from "../helpers/net.ts";

let project: TempProject | undefined;
let fg: ReturnType<typeof Bun.spawn> | undefined;

afterEach(async () => {
  if (fg && fg.exitCode === null) fg.kill("SIGKILL");
  fg = undefined;
  await project?.cleanup();
  project = undefined;
});

test("SIGTERM to a foreground up stops the services and exits 0", async () => {
  const port = await freePort();
  const p = (project = tempProject());
  const marker = `fg-${port}`;
  p.writeConfig({ services: { web: p.listener(port, marker) } });

  const proc = (fg = Bun.spawn([BUN, MAIN, "-c", p.configFile, "up"], {
    env: cliEnv({ stateDir: p.stateDir }),
    cwd: p.dir,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  }));
  const output = Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);

  const pid = Number(await waitFor(() => httpGet(port), "the service to answer on its port"));
  expect(pidsWithMarker(marker)).toEqual([pid]);
  const doc = await p.status();
  expect(doc.daemon.pid).toBe(proc.pid);
  expect(existsSync(p.socketPath)).toBe(true);

  proc.kill("SIGTERM");
  const code = await proc.exited;
  const [stdout, stderr] = await output;
  expect(code).toBe(0);
  expect(stdout).toContain(`[web] ready pid=${pid} port=${port}`);
  expect(stdout).not.toContain("\u001b");
  expect(stderr).toContain("stopping every service");
  expect(pidAlive(pid)).toBe(false);
  expect(await portAccepts(port)).toBe(false);
  expect(existsSync(p.socketPath)).toBe(false);
  expect(pidsWithMarker(p.dir)).toEqual([]);

  const status = await p.cli(["status"]);
  expect(status.code).toBe(3);
}, 60_000);
