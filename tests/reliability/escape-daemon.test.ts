// Escaped descendants across the daemon: the mark is recorded in state.json, so after the
// daemon is SIGKILLed the next reap (and the next `up`) also ends the processes that had
// left the service's group; and the real CLI's `stop` reaches them.
import { afterEach, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { reapRecordedGroups } from "../../src/daemon/reap.ts";
import { isStateFile, readStateFile } from "../../src/daemon/state-file.ts";
import { findPidsWithEnvEntry } from "../../src/os/environ.ts";
import { readProcStat } from "../../src/os/proc-info.ts";
import { type TempProject, tempProject } from "../helpers/cli.ts";
import { freePort, httpGet, pidAlive, portAccepts, waitFor } from "../helpers/net.ts";
import { pidRunning } from "../helpers/proc.ts";

const LISTENER = join(import.meta.dir, "..", "supervisor", "fixtures", "listener.ts");

let project: TempProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

/** A project whose one service, `esc`, runs a listener on `port` that double-forks out of its group and session. */
function escapingProject(port: number) {
  const p = (project = tempProject());
  const pidFile = join(p.dir, "escaped.pid");
  p.writeConfig({
    services: {
      esc: {
        cmd: ["sh", "-c", `setsid sh -c '"$BUN" "$LISTENER" 0 "$PIDFILE" & exit 0' & wait; exec sleep 1000`],
        port,
        env: { BUN: process.execPath, LISTENER, PIDFILE: pidFile },
      },
    },
  });
  /** The escaped listener's pid, once it is bound (and other than `previous`). */
  const escapedPid = async (previous?: number) => {
    let pid = 0;
    await waitFor(() => {
      pid = existsSync(pidFile) ? Number(readFileSync(pidFile, "utf8")) : 0;
      return pid > 0 && pid !== previous && pidRunning(pid);
    }, "the escaped listener's pid file");
    return pid;
  };
  return { p, escapedPid };
}

/** Kills the daemon with SIGKILL; its children and the escaped listener live on. */
async function killDaemon(p: TempProject): Promise<number> {
  const status = await p.status();
  process.kill(status.daemon.pid, "SIGKILL");
  await waitFor(() => !pidAlive(status.daemon.pid), "the killed daemon to be gone");
  return status.services[0]?.pid as number;
}

test("after the daemon is SIGKILLed, reapRecordedGroups ends the escaped descendant too", async () => {
  const port = await freePort();
  const { p, escapedPid } = escapingProject(port);
  expect((await p.cli(["up", "-d"])).code).toBe(0);
  const escaped = await escapedPid();
  const leader = await killDaemon(p);
  expect(readProcStat(escaped)?.sid).not.toBe(readProcStat(leader)?.sid);
  expect(await portAccepts(port)).toBe(true);

  const state = readStateFile(join(p.stateDir, "state.json"));
  const rec = state?.services.esc;
  expect(rec?.pid).toBe(leader);
  expect(rec?.mark).toMatch(/^[0-9a-f]{12}:esc:\d+$/);
  expect(findPidsWithEnvEntry(`CANOPY_MARK=${rec?.mark}`)).toContain(escaped);

  const logs: string[] = [];
  const reaped = await reapRecordedGroups(state!, { killTimeoutMs: 5_000, log: (m) => logs.push(m) });
  expect(reaped).toEqual(["esc"]);
  expect(pidRunning(escaped)).toBe(false);
  expect(pidRunning(leader)).toBe(false);
  expect(findPidsWithEnvEntry(`CANOPY_MARK=${rec?.mark}`)).toEqual([]);
  expect(await portAccepts(port)).toBe(false);
  expect(logs.some((l) => l.includes("left its group") && l.includes(String(escaped)))).toBe(true);
}, 90_000);

test("the next `up -d` reaps the escaped descendant of a SIGKILLed daemon; `stop` reaches the new one", async () => {
  const port = await freePort();
  const { p, escapedPid } = escapingProject(port);
  expect((await p.cli(["up", "-d"])).code).toBe(0);
  const first = await escapedPid();
  await killDaemon(p);
  expect(await httpGet(port)).toBe(String(first));

  // Without the recorded mark the old listener would keep the port, and the new one could not bind it.
  expect((await p.cli(["up", "-d"])).code).toBe(0);
  const second = await escapedPid(first);
  expect(pidRunning(first)).toBe(false);
  await waitFor(async () => (await httpGet(port)) === String(second), "the new listener to answer on the port");
  expect((await p.status()).services[0]?.status).toBe("running");

  const stop = await p.cli(["stop", "esc"]);
  expect(stop.code).toBe(0);
  expect(pidRunning(second)).toBe(false);
  expect(await portAccepts(port)).toBe(false);
}, 120_000);

test("state.json: a record may carry a well-formed mark; a malformed one makes the file unreadable as state", () => {
  const file = (mark: unknown) => ({
    version: 1,
    daemonPid: 10,
    startedAt: "2026-11-27T00:00:00.000Z",
    configFile: "/p/canopy.yaml",
    services: { web: { pid: 11, pgid: 11, startTime: "123", cmd: ["x"], ...(mark === undefined ? {} : { mark }) } },
  });
  expect(isStateFile(file(undefined))).toBe(true); // files from before marks existed
  expect(isStateFile(file("0123456789ab:web:1"))).toBe(true);
  for (const bad of ["", "0123456789ab:web", "tok:web:1=2", "tok:we b:1", "tok:web:x", "a\u0000b:web:1", 42, null]) {
    expect(isStateFile(file(bad))).toBe(false);
  }
});
