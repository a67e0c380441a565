/** A daemon killed with SIGKILL: its children live on, and the next `up -d` adopts the config without duplicates. */
import { afterEach, expect, test } from "bun:test";
import { type TempProject, tempProject } from "../helpers/cli.ts";
import { freePort, httpGet, pidAlive, pidsWithMarker, portAccepts, waitFor } from "../helpers/net.ts";

let project: TempProject | undefined;

afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

test("kill -9 the daemon, then up -d again: each service runs exactly once", async () => {
  const p = (project = tempProject());
  const ports = { alpha: await freePort(), beta: await freePort() };
  const tag = p.dir.split("-").pop();
  const markers = { alpha: `crash-alpha-${tag}`, beta: `crash-beta-${tag}` };
  p.writeConfig({
    services: {
      alpha: p.listener(ports.alpha, markers.alpha),
      beta: p.listener(ports.beta, markers.beta),
    },
  });

  expect((await p.cli(["up", "-d"])).code).toBe(0);
  const first = await p.status();
  const oldPids = first.services.map((s) => s.pid as number);
  expect(oldPids.every((pid) => pid > 0)).toBe(true);

  process.kill(first.daemon.pid, "SIGKILL");
  await waitFor(() => !pidAlive(first.daemon.pid), "the killed daemon to be gone");

  // Orphaned, the children keep serving.
  for (const [name, port] of Object.entries(ports)) {
    expect(await portAccepts(port)).toBe(true);
    expect(pidsWithMarker(markers[name as keyof typeof markers]).length).toBe(1);
  }
  expect(oldPids.every(pidAlive)).toBe(true);

  const again = await p.cli(["up", "-d"]);
  expect(again.stderr).toContain("daemon running");
  expect(again.code).toBe(0);

  const second = await p.status();
  expect(second.daemon.pid).not.toBe(first.daemon.pid);
  expect(second.services.map((s) => s.status)).toEqual(["running", "running"]);
  // The old children were reaped (orphans: pid 1 collects their exit status, so poll for it).
  await waitFor(() => oldPids.every((pid) => !pidAlive(pid)), `old pids ${oldPids.join(", ")} to be gone`);
  for (const s of second.services) {
    const name = s.name as keyof typeof markers;
    expect(pidsWithMarker(markers[name])).toEqual([s.pid as number]);
    expect(await httpGet(ports[name])).toBe(String(s.pid));
  }

  const down = await p.cli(["down"]);
  expect(down.code).toBe(0);
  await waitFor(() => !pidAlive(second.daemon.pid), "the second daemon to be gone");
  expect(pidsWithMarker(markers.alpha)).toEqual([]);
  expect(pidsWithMarker(markers.beta)).toEqual([]);
  expect(pidsWithMarker(p.dir)).toEqual([]);
  for (const port of Object.values(ports)) expect(await portAccepts(port)).toBe(false);
}, 90_000);
