/** An empty config, and two `up -d` racing for one config. */
import { afterEach, expect, test } from "bun:test";
import { type TempProject, tempProject } from "../helpers/cli.ts";
import { freePort, httpGet, pidsWithMarker, waitFor } from "../helpers/net.ts";

let project: TempProject | undefined;

afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

test("services: {} starts a daemon with nothing to run", async () => {
  const p = (project = tempProject("services: {}\n"));
  const up = await p.cli(["up", "-d"]);
  expect(up.code).toBe(0);
  expect(up.stdout).toBe("");
  const doc = await p.status();
  expect(doc.services).toEqual([]);
  expect(doc.daemon.pid).toBeGreaterThan(0);
  const table = await p.cli(["status"]);
  expect(table.code).toBe(0);
  expect((await p.cli(["down"])).code).toBe(0);
}, 60_000);

test("two racing up -d: one daemon, each service once, both succeed", async () => {
  const p = (project = tempProject());
  const tag = p.dir.split("-").pop();
  const ports = { one: await freePort(), two: await freePort() };
  p.writeConfig({
    services: { one: p.listener(ports.one, `race-one-${tag}`), two: p.listener(ports.two, `race-two-${tag}`) },
  });

  const [a, b] = await Promise.all([p.cli(["up", "-d"]), p.cli(["up", "-d"])]);
  expect({ code: a.code, stderr: a.stderr }).toMatchObject({ code: 0 });
  expect({ code: b.code, stderr: b.stderr }).toMatchObject({ code: 0 });
  const pidOf = (r: { stderr: string }) => Number(/\(pid (\d+)\)/.exec(r.stderr)?.[1]);
  expect(pidOf(a)).toBeGreaterThan(0);
  expect(pidOf(a)).toBe(pidOf(b));

  const doc = await p.status();
  expect(doc.daemon.pid).toBe(pidOf(a));
  // The losing `canopy daemon` (if it got as far as running) gives up on the lock and exits; only the winner stays.
  const others = () => pidsWithMarker(`${p.dir}/canopy.yaml`).filter((pid) => pid !== doc.daemon.pid);
  await waitFor(() => others().length === 0, "only one daemon process for the config");
  for (const s of doc.services) {
    expect(s.status).toBe("running");
    expect(pidsWithMarker(`race-${s.name}-${tag}`)).toEqual([s.pid as number]);
    expect(await httpGet(ports[s.name as "one" | "two"])).toBe(String(s.pid));
  }
}, 60_000);
