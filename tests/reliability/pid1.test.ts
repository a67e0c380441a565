// Canopy as PID 1 of a PID namespace (`unshare --pid --fork --mount-proc`), as in a
// container: orphans reparented to it are reaped (Bun alone reaps only its own children),
// and SIGTERM stops every service — escaped ones included — and exits 0.
import { afterEach, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { readStateFile } from "../../src/daemon/state-file.ts";
import { reapOrphansIfInit } from "../../src/os/orphan-reaper.ts";
import { BUN, cliEnv, MAIN, type TempProject, tempProject } from "../helpers/cli.ts";
import { LineReader, pidAlive, pidsWithMarker, waitFor } from "../helpers/net.ts";

let project: TempProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

/** The unshare invocation that works here (root; else an unprivileged user namespace), or undefined. */
function namespaceCommand(): string[] | undefined {
  if (!Bun.which("unshare")) return undefined;
  for (const cmd of [
    ["unshare", "--pid", "--fork", "--mount-proc"],
    ["unshare", "--user", "--map-root-user", "--pid", "--fork", "--mount-proc"],
  ]) {
    const probe = Bun.spawnSync([...cmd, "sh", "-c", "echo $$"], { stdout: "pipe", stderr: "pipe" });
    if (probe.exitCode === 0 && probe.stdout.toString().trim() === "1") return cmd;
  }
  return undefined;
}

// Each round makes 6 orphans that exit at once: 3 plain (their session is the service's)
// and 3 that lead a session of their own (setsid), then reports the namespace's zombies.
const ORPHANS = [
  "i=0",
  "while :; do",
  "  i=$((i+1))",
  "  for k in 1 2 3; do",
  `    sh -c 'sleep 0.05 & exit 0'`,
  `    sh -c 'setsid sleep 0.05 & exit 0'`,
  "  done",
  "  sleep 3",
  `  echo "round $i zombies $(ps -eo stat= | grep -c '^Z')"`,
  "done",
].join("\n");

test("as PID 1: orphans' zombies do not pile up, and SIGTERM stops everything and exits 0", async () => {
  const unshare = namespaceCommand();
  if (unshare === undefined) {
    // No PID namespace here (no unshare, or neither root nor user namespaces): the
    // documented fallback is that the reaper only ever runs as PID 1, so it is off.
    expect(process.pid).not.toBe(1);
    expect(reapOrphansIfInit(() => false)).toBe(false);
    return;
  }
  const p = (project = tempProject());
  p.writeConfig({
    services: {
      orphans: { cmd: ["sh", "-c", ORPHANS] },
      graceful: {
        cmd: ["sh", "-c", `trap 'touch "$DIR/graceful"; exit 0' TERM; echo up; while :; do sleep 0.1; done`],
        env: { DIR: p.dir },
      },
      escapee: {
        cmd: ["sh", "-c", `setsid sh -c 'trap "touch \\"$DIR/escapee\\"; exit 0" TERM; while :; do sleep 0.1; done' & wait`],
        env: { DIR: p.dir },
      },
      oneshot: { cmd: ["sh", "-c", "exit 7"], restart: "never" },
    },
  });

  const init = Bun.spawn([...unshare, BUN, MAIN, "-c", p.configFile, "up"], {
    env: cliEnv({ stateDir: p.stateDir }),
    cwd: p.dir,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    timeout: 110_000,
    killSignal: "SIGKILL",
  });
  const stderr = new Response(init.stderr).text();
  const out = new LineReader(init.stdout);
  const seen: string[] = [];
  const rounds: number[] = [];
  while (rounds.length < 4) {
    const line = await out.next(60_000);
    seen.push(line);
    const m = /round (\d+) zombies (\d+)/.exec(line);
    if (m) rounds.push(Number(m[2]));
  }
  // 24 orphans have exited by round 4; without reaping every one of them would be a zombie still.
  expect(rounds.at(-1)).toBeLessThan(6);
  expect(Math.min(...rounds.slice(1))).toBeLessThan(6);
  expect(seen.some((l) => l.includes("exited with code 7"))).toBe(true);

  // The daemon is PID 1 inside; outside it is unshare's child.
  const daemonPid = Number(readFileSync(`/proc/${init.pid}/task/${init.pid}/children`, "utf8").trim().split(/\s+/)[0]);
  expect(readFileSync(`/proc/${daemonPid}/status`, "utf8")).toMatch(/^NSpid:\s+\d+\s+1$/m);
  process.kill(daemonPid, "SIGTERM");
  const code = await init.exited;
  expect({ code, stderr: code === 0 ? "" : await stderr }).toEqual({ code: 0, stderr: "" });
  expect(await stderr).toContain("stopping every service");

  // Stopped gracefully, the escaped one included, before the namespace went away.
  expect(existsSync(join(p.dir, "graceful"))).toBe(true);
  expect(existsSync(join(p.dir, "escapee"))).toBe(true);
  expect(readStateFile(join(p.stateDir, "state.json"))?.services).toEqual({});
  await waitFor(() => !pidAlive(daemonPid), "the namespace's init to be gone");
  expect(pidsWithMarker(p.dir)).toEqual([]);
}, 120_000);
