/**
 * Faults: the daemon SIGKILLed at 20 seeded-random moments (start-up, running, mid-restart,
 * mid-stop, mid-crash-restart, mid-down), each followed by `canopy up -d`: every service ends
 * up running exactly once, every port is served by it, and after `canopy down` nothing is
 * left. And the state directory deleted under a running daemon: it is put back (0700, lock,
 * state.json, socket, logs) within seconds, nothing is restarted or duplicated, and a later
 * SIGKILL is still recovered from the rewritten state.json.
 */
import { afterEach, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { StatusDocument } from "../../src/api/wire.ts";
import { readStateFile } from "../../src/daemon/state-file.ts";
import { readProcStat } from "../../src/os/proc-info.ts";
import { type CliResult, type TempProject, tempProject } from "../helpers/cli.ts";
import { freePort, httpGet, pidAlive, pidsWithMarker, portAccepts, waitFor } from "../helpers/net.ts";
import { cleanupProject, pickSeed, Rng, waitGone } from "./helpers.ts";

const KILLS = 20;

let project: TempProject | undefined;

afterEach(async () => {
  await cleanupProject(project);
  project = undefined;
});

/** Pids of the daemons (`canopy daemon -c <config>`) running for `configFile`. */
function daemonPids(configFile: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const argv = readFileSync(`/proc/${name}/cmdline`, "utf8").split("\0");
      if (argv.includes("daemon") && argv.includes(configFile)) found.push(Number(name));
    } catch {
      // gone
    }
  }
  return found;
}

async function api(p: TempProject, method: string, path: string): Promise<Response | undefined> {
  try {
    return await fetch(`http://canopy${path}`, { method, unix: p.socketPath, signal: AbortSignal.timeout(30_000) });
  } catch {
    return undefined; // the daemon was killed under the request: expected here
  }
}

interface Suite {
  p: TempProject;
  markers: Record<string, string>;
  ports: Record<string, number>;
  termFile: string;
}

async function makeSuite(): Promise<Suite> {
  const p = tempProject();
  // Each marker names the project folder, so the cleanup's sweep of the folder finds them too.
  const markers = { web1: `${p.dir}/m-web1`, web2: `${p.dir}/m-web2`, worker: `${p.dir}/m-worker`, slowstop: `${p.dir}/m-slowstop` };
  const ports = { web1: await freePort(), web2: await freePort() };
  const termFile = join(p.dir, "slowstop.terms");
  writeFileSync(termFile, "");
  p.writeConfig({
    services: {
      web1: { ...p.listener(ports.web1, markers.web1), stop_timeout: "3s" },
      web2: { ...p.listener(ports.web2, markers.web2), stop_timeout: "3s" },
      worker: { cmd: ["/bin/sh", "-c", "while :; do echo tick; sleep 0.2; done", markers.worker], restart_delay: "300ms", max_restarts: 1000 },
      // Takes a moment to stop: SIGTERM is noted in a file, then it exits 300 ms later.
      slowstop: {
        cmd: ["/bin/sh", "-c", `trap 'echo term >> "$1"; sleep 0.3; exit 0' TERM; while :; do sleep 0.1; done`, markers.slowstop, termFile],
        stop_timeout: "3s",
      },
    },
  });
  return { p, markers, ports, termFile };
}

/**
 * The running instances of a service: the process groups its marked processes are in. A
 * shell loop forks (a child that has not exec'd yet still shows the loop's command line),
 * so processes are counted by group, and a service runs once when one group holds them all.
 */
function instancesOf(marker: string): number[] {
  const groups = new Set<number>();
  for (const pid of pidsWithMarker(marker)) {
    const stat = readProcStat(pid);
    if (stat !== undefined && stat.state !== "Z") groups.add(stat.pgid);
  }
  return [...groups].sort((a, b) => a - b);
}

/** Every service runs exactly once, as the daemon says, and each port is served by its service. */
async function expectExactlyOnce(s: Suite, context: string): Promise<StatusDocument> {
  await waitFor(
    () => Object.values(s.markers).every((m) => instancesOf(m).length === 1),
    `${context}: exactly one instance per service (${Object.entries(s.markers).map(([n, m]) => `${n}=${instancesOf(m).length}`).join(" ")})`,
    10_000,
  ).catch(() => undefined);
  const doc = await s.p.status();
  for (const svc of doc.services) {
    const marker = s.markers[svc.name] as string;
    expect({ context, service: svc.name, status: svc.status, instances: instancesOf(marker) }).toEqual({
      context,
      service: svc.name,
      status: "running",
      instances: [svc.pid as number],
    });
  }
  for (const [name, port] of Object.entries(s.ports)) {
    const pid = doc.services.find((x) => x.name === name)?.pid;
    expect({ context, port, servedBy: await httpGet(port) }).toEqual({ context, port, servedBy: String(pid) });
  }
  return doc;
}

async function killDaemon(pid: number, context: string): Promise<void> {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // already gone (it may have finished what we interrupted)
  }
  await waitGone(pid, `${context}: the killed daemon to be gone`);
}

test(`the daemon SIGKILLed at ${KILLS} random moments, each followed by up -d: every service runs exactly once, every port served, nothing left after down`, async () => {
  const rng = new Rng(pickSeed("faults"));
  const s = await makeSuite();
  const p = (project = s.p);
  const names = Object.keys(s.markers);
  const moments = ["start-up", "running", "mid-restart", "mid-stop", "mid-crash-restart", "mid-down"] as const;
  const counts = new Map<string, number>();
  const started = Date.now();

  expect((await p.cli(["up", "-d"])).code).toBe(0);
  for (let i = 0; i < KILLS; i++) {
    const moment = rng.pick(moments);
    const context = `kill ${i + 1}/${KILLS} (${moment})`;
    counts.set(moment, (counts.get(moment) ?? 0) + 1);
    let daemon = daemonPids(p.configFile)[0];
    let pending: Promise<unknown> | undefined;

    if (moment === "start-up") {
      // A daemon is running: kill it first, so `up -d` has a fresh start to be interrupted in.
      if (daemon !== undefined) await killDaemon(daemon, `${context}, before`);
      const orphans = new Set(names.flatMap((n) => instancesOf(s.markers[n] as string)));
      const spawnedAtKill = rng.int(0, names.length);
      pending = p.cli(["up", "-d"], { timeoutMs: 60_000 });
      const cli = pending as Promise<CliResult>;
      let cliDone = false;
      void cli.then(() => {
        cliDone = true;
      });
      daemon = await waitFor(() => daemonPids(p.configFile)[0] ?? (cliDone ? -1 : undefined), `${context}: the new daemon`, 20_000);
      if (daemon > 0) {
        // Kill once it has spawned `spawnedAtKill` new service processes (0: as soon as it exists).
        await waitFor(
          () => cliDone || names.flatMap((n) => instancesOf(s.markers[n] as string)).filter((g) => !orphans.has(g)).length >= spawnedAtKill,
          `${context}: ${spawnedAtKill} new service processes`,
          20_000,
        );
      }
    } else if (moment === "mid-restart") {
      const name = rng.pick(names);
      const old = pidsWithMarker(s.markers[name] as string);
      pending = api(p, "POST", `/v1/services/${name}/restart`);
      const when = rng.pick(["at once", "old gone", "new spawned"]);
      if (when === "old gone") await waitFor(() => !old.some(pidAlive), `${context}: old ${name} gone`, 10_000);
      if (when === "new spawned") await waitFor(() => pidsWithMarker(s.markers[name] as string).some((pid) => !old.includes(pid)), `${context}: new ${name}`, 10_000);
    } else if (moment === "mid-stop") {
      const terms = readFileSync(s.termFile, "utf8").length;
      pending = api(p, "POST", "/v1/services/slowstop/stop");
      // It has its SIGTERM and is stopping (300 ms to go).
      await waitFor(() => readFileSync(s.termFile, "utf8").length > terms, `${context}: slowstop to get SIGTERM`, 10_000);
    } else if (moment === "mid-crash-restart") {
      // The worker dies on its own; kill the daemon while it waits to respawn it.
      for (const pid of pidsWithMarker(s.markers.worker as string)) process.kill(pid, "SIGKILL");
      await waitFor(() => pidsWithMarker(s.markers.worker as string).length === 0, `${context}: worker gone`, 10_000);
    } else if (moment === "mid-down") {
      const before = names.flatMap((n) => pidsWithMarker(s.markers[n] as string));
      pending = p.cli(["down"], { timeoutMs: 60_000 });
      await waitFor(() => before.some((pid) => !pidAlive(pid)), `${context}: down to stop a first service`, 20_000);
    }
    if (daemon !== undefined && daemon > 0) await killDaemon(daemon, context);
    await pending; // the interrupted request or CLI finishes (with an error); it must not hang

    const again = await p.cli(["up", "-d"], { timeoutMs: 60_000 });
    expect({ context, code: again.code, stderr: again.code === 0 ? "" : again.stderr }).toEqual({ context, code: 0, stderr: "" });
    await expectExactlyOnce(s, context);
  }
  const last = await expectExactlyOnce(s, "after the last kill");
  console.log(`faults: ${KILLS} kills in ${Date.now() - started} ms; moments ${JSON.stringify(Object.fromEntries(counts))}`);

  const down = await p.cli(["down"]);
  expect(down.code).toBe(0);
  await waitGone(last.daemon.pid, "the last daemon to exit after down");
  await waitFor(() => Object.values(s.markers).every((m) => pidsWithMarker(m).length === 0), "every service process to be gone", 10_000).catch(() => undefined);
  for (const m of [...Object.values(s.markers), p.dir]) expect({ marker: m, left: pidsWithMarker(m) }).toEqual({ marker: m, left: [] });
  expect(daemonPids(p.configFile)).toEqual([]);
  for (const port of Object.values(s.ports)) expect(await portAccepts(port)).toBe(false);
}, 240_000);

test("the state directory deleted under a running daemon: restored (0700, lock, state.json, socket, logs), nothing restarted, later crashes still recovered", async () => {
  const s = await makeSuite();
  const p = (project = s.p);
  expect((await p.cli(["up", "-d"])).code).toBe(0);
  const before = await expectExactlyOnce(s, "before deleting");
  const daemonPid = before.daemon.pid;
  const pids = Object.fromEntries(before.services.map((x) => [x.name, x.pid]));

  const started = Date.now();
  Bun.spawnSync(["rm", "-rf", p.stateDir]);
  expect(existsSync(p.stateDir)).toBe(false);
  await waitFor(() => existsSync(p.socketPath) && existsSync(join(p.stateDir, "state.json")), "the state directory to be restored", 10_000);
  const restoredMs = Date.now() - started;

  expect(statSync(p.stateDir).mode & 0o777).toBe(0o700);
  expect(statSync(p.socketPath).mode & 0o777).toBe(0o600);
  expect(readFileSync(join(p.stateDir, "daemon.lock"), "utf8").split(" ")[0]).toBe(String(daemonPid));
  const state = readStateFile(join(p.stateDir, "state.json"));
  expect(state?.daemonPid).toBe(daemonPid);
  expect(Object.fromEntries(Object.entries(state?.services ?? {}).map(([n, r]) => [n, r.pid as number | null]))).toEqual(pids);
  // It says what happened, in the daemon.log users look at.
  await waitFor(() => existsSync(join(p.stateDir, "daemon.log")) && readFileSync(join(p.stateDir, "daemon.log"), "utf8").includes("state directory was deleted"), "the message in the new daemon.log", 5_000);
  // Output goes to new log files.
  await waitFor(() => existsSync(join(p.stateDir, "logs", "worker.log")) && statSync(join(p.stateDir, "logs", "worker.log")).size > 0, "worker output in the new logs/", 5_000);
  expect(statSync(join(p.stateDir, "logs")).mode & 0o777).toBe(0o700);
  expect(statSync(join(p.stateDir, "logs", "worker.log")).mode & 0o777).toBe(0o600);

  // The same daemon, the same processes, each still once; a second `up -d` finds it.
  const after = await expectExactlyOnce(s, "after restoring");
  expect(after.daemon.pid).toBe(daemonPid);
  expect(Object.fromEntries(after.services.map((x) => [x.name, x.pid]))).toEqual(pids);
  const second = await p.cli(["up", "-d"]);
  expect(second.code).toBe(0);
  expect(second.stderr).toContain("already running");
  expect(daemonPids(p.configFile)).toEqual([daemonPid]);

  // Deleted again, and a child exits before the periodic check: the failed state.json write restores it at once.
  Bun.spawnSync(["rm", "-rf", p.stateDir]);
  for (const pid of pidsWithMarker(s.markers.worker as string)) process.kill(pid, "SIGKILL");
  await waitFor(() => existsSync(p.socketPath), "the socket to be back", 10_000);
  await waitFor(async () => (await p.status()).services.find((x) => x.name === "worker")?.status === "running", "the worker to be restarted", 10_000);
  const respawned = await expectExactlyOnce(s, "after the second deletion");
  expect(respawned.daemon.pid).toBe(daemonPid);
  await waitFor(
    () => readStateFile(join(p.stateDir, "state.json"))?.services.worker?.pid === respawned.services.find((x) => x.name === "worker")?.pid,
    "state.json to record the respawned worker",
    5_000,
  );

  // The rewritten state.json is what recovery after a SIGKILL reads.
  await killDaemon(daemonPid, "after restoring");
  const recovered = await p.cli(["up", "-d"]);
  expect(recovered.code).toBe(0);
  const final = await expectExactlyOnce(s, "after SIGKILL and up -d");
  expect(final.daemon.pid).not.toBe(daemonPid);
  console.log(`faults: state directory restored ${restoredMs} ms after rm -rf`);
}, 90_000);

test("the state directory deleted and `up -d` run at once: one daemon keeps the config, every service runs exactly once under it", async () => {
  const s = await makeSuite();
  const p = (project = s.p);
  expect((await p.cli(["up", "-d"])).code).toBe(0);
  const first = await expectExactlyOnce(s, "before deleting");

  // Faster than the periodic check: no socket answers, so `up -d` starts a second daemon.
  Bun.spawnSync(["rm", "-rf", p.stateDir]);
  const second = await p.cli(["up", "-d"]);
  // Its services may first find their ports held by the first daemon's (exit 1), until the handover.
  expect([0, 1]).toContain(second.code);

  // One daemon is left for the config; either the first restored its directory in time, or it stepped
  // down, stopped its services and handed them to the second.
  await waitFor(() => daemonPids(p.configFile).length === 1, "a single daemon for the config", 15_000);
  await waitFor(
    async () => {
      const doc = await p.status();
      return doc.services.every((x) => x.status === "running") && Object.values(s.markers).every((m) => instancesOf(m).length === 1);
    },
    "every service running once under the remaining daemon",
    20_000,
  );
  const after = await expectExactlyOnce(s, "after the race");
  expect(daemonPids(p.configFile)).toEqual([after.daemon.pid]);
  const winner = after.daemon.pid === first.daemon.pid ? "the first daemon (restored in time)" : "the second daemon (handover)";
  console.log(`faults: deletion raced with up -d (exit ${second.code}): ${winner} kept the config`);
  if (after.daemon.pid !== first.daemon.pid) {
    await waitGone(first.daemon.pid, "the displaced daemon to exit");
  }
  // The files are the remaining daemon's: the one that stepped down did not clear state.json or unlink the socket.
  const state = readStateFile(join(p.stateDir, "state.json"));
  expect(state?.daemonPid).toBe(after.daemon.pid);
  expect(Object.fromEntries(Object.entries(state?.services ?? {}).map(([n, r]) => [n, r.pid as number | null]))).toEqual(
    Object.fromEntries(after.services.map((x) => [x.name, x.pid])),
  );
  expect(statSync(p.socketPath).isSocket()).toBe(true);
  // …and what it recorded is enough: SIGKILLed, then `up -d`, still exactly once.
  await killDaemon(after.daemon.pid, "after the race");
  expect((await p.cli(["up", "-d"])).code).toBe(0);
  await expectExactlyOnce(s, "after the race, a SIGKILL and up -d");
}, 60_000);
