/** A service whose port a stranger holds is refused with port_in_use naming the holder. */
import { afterEach, expect, test } from "bun:test";
import { type TempProject, tempProject } from "../helpers/cli.ts";
import { freePort, pidsWithMarker } from "../helpers/net.ts";

let project: TempProject | undefined;
let holder: ReturnType<typeof Bun.serve> | undefined;

afterEach(async () => {
  await holder?.stop(true);
  holder = undefined;
  await project?.cleanup();
  project = undefined;
});

test("a port held by another process: start_error port_in_use with the holder's pid, up -d exits 1", async () => {
  const port = await freePort();
  holder = Bun.serve({ port, hostname: "127.0.0.1", fetch: () => new Response("stranger") });
  const p = (project = tempProject());
  const marker = `held-${port}`;
  p.writeConfig({ services: { api: p.listener(port, marker) } });

  const up = await p.cli(["up", "-d"]);
  expect(up.code).toBe(1);
  expect(up.stderr).toMatch(/^api: crashed/m);
  expect(up.stderr).toContain(`port ${port}`);
  expect(up.stderr).toContain(`pid ${process.pid}`);

  const doc = await p.status();
  const api = doc.services[0];
  expect(api?.status).toBe("crashed");
  expect(api?.pid).toBeNull();
  expect(api?.start_error).toMatchObject({ error_type: "port_in_use", pid: process.pid });
  expect(api?.start_error?.error_description).toContain(String(port));
  // Nothing was spawned to fight over the port.
  expect(pidsWithMarker(marker)).toEqual([]);

  const table = await p.cli(["status"]);
  expect(table.stdout).toMatch(new RegExp(`^api\\s+crashed\\s.*port ${port} is already in use by pid ${process.pid}`, "m"));
}, 60_000);
