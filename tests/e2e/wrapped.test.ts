/** A service behind a shell wrapper: stopping it must take the backgrounded grandchild (and its port) too. */
import { afterEach, expect, test } from "bun:test";
import { BUN, type TempProject, tempProject } from "../helpers/cli.ts";
import { freePort, httpGet, pidAlive, pidsWithMarker, portAccepts, waitFor } from "../helpers/net.ts";

let project: TempProject | undefined;

afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

test("stop kills a wrapped service's grandchild and frees its port", async () => {
  const port = await freePort();
  const p = (project = tempProject());
  const marker = `wrapped-${port}`;
  // A string cmd runs under /bin/sh -c: the listener is a background job of the shell, which waits for it.
  p.writeConfig({ services: { wrapped: { cmd: `'${BUN}' '${p.dir}/listener.ts' --marker=${marker} & wait`, port } } });

  const up = await p.cli(["up", "-d"]);
  expect(up.code).toBe(0);
  const shellPid = (await p.status()).services[0]?.pid as number;

  // The grandchild announces its pid in the log, and answers it on the port.
  const line = await waitFor(async () => /ready pid=(\d+)/.exec((await p.cli(["logs", "wrapped", "-n", "5"])).stdout), "the listener's ready line");
  const grandchild = Number(line[1]);
  expect(grandchild).not.toBe(shellPid);
  expect(await httpGet(port)).toBe(String(grandchild));
  expect(pidsWithMarker(marker)).toContain(grandchild);

  const stop = await p.cli(["stop", "wrapped"]);
  expect(stop.code).toBe(0);
  expect(stop.stdout).toMatch(/^wrapped: stopped/m);
  await waitFor(() => !pidAlive(grandchild), `grandchild ${grandchild} to be gone`);
  expect(pidAlive(shellPid)).toBe(false);
  expect(pidsWithMarker(marker)).toEqual([]);
  await waitFor(async () => !(await portAccepts(port)), `port ${port} to be free`);
}, 60_000);
