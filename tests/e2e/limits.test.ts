/**
 * max_memory, nice and limits through the real CLI and daemon, with real processes. Runs as
 * root, as CI does (a negative niceness needs it); the refusals a non-root canopy gives are
 * checked as uid 65534 (nobody), dropped to with Bun.spawn's uid/gid. No account is added.
 */
import { afterAll, afterEach, beforeAll, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readProcStat } from "../../src/os/proc-info.ts";
import { type CliResult, type TempProject, tempProject } from "../helpers/cli.ts";
import { pidAlive, waitFor } from "../helpers/net.ts";
import { canopyCommandFor, runCanopyAs } from "../helpers/runs-as.ts";
import { eventsOf, indexOf, serviceOf, waitForService } from "./orchestration-fixtures.ts";

const NOBODY = 65534;
let project: TempProject | undefined;
const dirs: string[] = [];
/** `[bun, main.ts]` that uid 65534 can run. */
let canopyForNobody: string[] = [];

beforeAll(() => {
  expect(process.getuid?.()).toBe(0); // a niceness below 0 needs root (CI runs as root)
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "canopy-limits-bin-")));
  dirs.push(dir);
  canopyForNobody = canopyCommandFor({ uid: NOBODY, gid: NOBODY }, dir);
});

afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/**
 * Grows its resident memory by 96 MB (every page written) when the flag file (argv[1]) exists,
 * removing it, so only the first run grows and its successor stays small.
 */
const HOG = `import os, sys, time
flag = sys.argv[1]
if os.path.exists(flag):
    os.remove(flag)
    hog = bytearray(b"x") * (96 * 1024 * 1024)
    print("grew", flush=True)
else:
    print("small", flush=True)
time.sleep(600)
`;

test("max_memory restarts a service whose group stays over it, as a crash whose reason events, WHY and status carry; one under it is left alone", async () => {
  const p = (project = tempProject());
  const hog = p.writeFile("hog.py", HOG);
  const flag = p.writeFile("grow", "");
  p.writeConfig({
    services: {
      hog: { cmd: ["python3", hog, flag], max_memory: "48MB" },
      calm: { cmd: ["python3", hog, join(p.dir, "never")], max_memory: "48MB" },
    },
  });
  expect((await p.cli(["up", "-d"])).code).toBe(0);
  const calmPid = (await serviceOf(p, "calm")).pid as number;
  const first = await waitFor(async () => {
    const s = await serviceOf(p, "hog");
    return s.restarts === 0 && s.pid !== null && !existsSync(flag) ? s : undefined;
  }, "the first hog to take its flag");
  const oldPid = first.pid as number;

  const after = await waitForService(p, "hog", (s) => s.pid !== null && s.pid !== oldPid && s.status === "running", "to come back with a new pid", 60_000);
  expect(after.restarts).toBe(1);
  expect(after.reason).toMatch(/^restarted: memory \d+ MB over max_memory 48 MB$/);
  expect(Number(/memory (\d+) MB/.exec(after.reason ?? "")?.[1])).toBeGreaterThan(48);
  await waitFor(() => !pidAlive(oldPid), "the hog to be gone");

  const events = await eventsOf(p);
  const exited = indexOf(events, "hog", "exited");
  expect(events[exited]).toMatchObject({ pid: oldPid, signal: "SIGTERM", reason: after.reason });
  const restarting = indexOf(events, "hog", "restarting", exited);
  expect(events[restarting]?.reason).toBe(after.reason as string);
  const human = await p.cli(["events"]);
  expect(human.stdout).toMatch(new RegExp(`hog exited pid ${oldPid} exit \\S+ SIGTERM — restarted: memory \\d+ MB over max_memory 48 MB`));
  const table = await p.cli(["status"]);
  expect(table.stdout).toMatch(/^hog\s+running\s+.*\s1\s+1 crash in 60s; last restarted: memory \d+ MB over max_memory 48 MB$/m);

  // Sampled as often as hog was, never over: same pid, no restart.
  expect(await serviceOf(p, "calm")).toMatchObject({ pid: calmPid, status: "running", restarts: 0, reason: null });
}, 120_000);

test("with cgroup containment, max_memory counts a process that left the service's process group (setsid) but not its cgroup", async () => {
  const p = (project = tempProject());
  const hog = p.writeFile("hog.py", HOG);
  const flag = p.writeFile("grow", "");
  // The hog runs in a session of its own: the process-group walk would not see it; the cgroup does.
  p.writeConfig({ services: { escaper: { cmd: ["sh", "-c", `setsid python3 ${hog} ${flag} & exec sleep 600`], max_memory: "48MB" } } });
  expect((await p.cli(["up", "-d"])).code).toBe(0);
  const doc = JSON.parse((await p.cli(["status", "--json"])).stdout) as { daemon: { containment: { mode: string } } };
  expect(doc.daemon.containment.mode).toBe("cgroup"); // root with a writable cgroup v2, as CI
  const first = await waitFor(async () => {
    const s = await serviceOf(p, "escaper");
    return s.pid !== null && !existsSync(flag) ? s : undefined;
  }, "the first hog to take its flag");
  const oldPid = first.pid as number;
  const after = await waitForService(p, "escaper", (s) => s.pid !== null && s.pid !== oldPid && s.status === "running", "to be restarted over max_memory", 60_000);
  expect(after.restarts).toBe(1);
  expect(after.reason).toMatch(/^restarted: memory \d+ MB over max_memory 48 MB$/);
  await waitFor(() => !pidAlive(oldPid), "the first run's group leader to be gone");
}, 120_000);

/** Field 19 of /proc/PID/stat, the niceness (counted after the parenthesised command name). */
const niceOf = (pid: number) => Number(readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ")[16]);
const limitRow = (pid: number, row: string) => (readFileSync(`/proc/${pid}/limits`, "utf8").split("\n").find((l) => l.startsWith(row)) ?? "").replace(/\s+/g, " ").trim();

test("nice and limits are in effect in the service's own process (same pid, own group), canopy config shows them, down stops it", async () => {
  const p = (project = tempProject());
  p.writeConfig({
    services: {
      web: { cmd: `sleep 600 & wait # ${p.dir}`, nice: 10, limits: { nofile: 2048, core: 0, nproc: { soft: 500 } } },
      peer: { cmd: `sleep 600 & wait # ${p.dir}`, nice: -5 },
    },
  });
  expect((await p.cli(["up", "-d"])).code).toBe(0);
  const web = (await serviceOf(p, "web")).pid as number;
  const peer = (await serviceOf(p, "peer")).pid as number;
  // prlimit and nice exec'd into the service: its pid is /bin/sh's, leading its group.
  expect(readFileSync(`/proc/${web}/cmdline`, "utf8").split("\0")[0]).toBe("/bin/sh");
  expect(readProcStat(web)?.pgid).toBe(web);
  expect({ nice: niceOf(web), nofile: limitRow(web, "Max open files"), core: limitRow(web, "Max core file size"), nproc: limitRow(web, "Max processes").split(" ")[2] }).toEqual({
    nice: 10,
    nofile: "Max open files 2048 2048 files",
    core: "Max core file size 0 0 bytes",
    nproc: "500",
  });
  expect(niceOf(peer)).toBe(-5);

  const shown = await p.cli(["config"]);
  expect(shown.code).toBe(0);
  expect(shown.stdout).toContain("    nice: 10\n    limits:\n      nofile: 2048\n      nproc:\n        soft: 500\n      core: 0\n");
  const json = JSON.parse((await p.cli(["config", "--json"])).stdout) as { services: Record<string, unknown>[] };
  expect(json.services[0]).toMatchObject({ nice: 10, limits: { nofile: { soft: 2048, hard: 2048 }, core: { soft: 0, hard: 0 }, nproc: { soft: 500 } } });

  expect((await p.cli(["down"])).code).toBe(0);
  expect(pidAlive(web)).toBe(false);
  expect(pidAlive(peer)).toBe(false);
}, 90_000);

test("a bad max_memory, nice or limits value is refused naming file, line, service and field; nothing starts", async () => {
  const p = (project = tempProject());
  p.writeConfig("services:\n  web:\n    cmd: [sleep, '600']\n    nice: 25\n    max_memory: lots\n    limits:\n      nofile: 64k\n      cores: 0\n");
  const refused = await p.cli(["up", "-d"]);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain('canopy.yaml:4: service "web", field "nice": must be from -20 to 19, got 25');
  expect(refused.stderr).toContain('canopy.yaml:5: service "web", field "max_memory": expected a size like 512KB, 10MB or 1GB, got "lots"');
  expect(refused.stderr).toContain('canopy.yaml:7: service "web", field "limits.nofile": expected a whole number, or unlimited; got "64k"');
  expect(refused.stderr).toContain('canopy.yaml:8: service "web", field "limits.cores": unknown key; did you mean core?');
  expect((await p.cli(["status"])).code).toBe(3);
}, 90_000);

/** `canopy config` as uid/gid 65534. */
async function configAsNobody(p: TempProject): Promise<CliResult> {
  return runCanopyAs(canopyForNobody, { uid: NOBODY, gid: NOBODY }, ["-c", p.configFile, "config"], { cwd: p.dir, env: { PATH: "/usr/bin:/bin", HOME: p.dir } });
}

test("a canopy that is not root may not lower a niceness below its own nor raise a hard limit above its own: config errors naming the field", async () => {
  const p = (project = tempProject());
  chmodSync(p.dir, 0o755);
  p.writeConfig("services:\n  web:\n    cmd: [sleep, '600']\n    nice: -5\n    limits:\n      nofile: { soft: 64, hard: unlimited }\n      core: 0\n");
  const refused = await configAsNobody(p);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain(`canopy.yaml:4: service "web", field "nice": -5 is below canopy's own niceness (0), which needs root (CAP_SYS_NICE)`);
  expect(refused.stderr).toMatch(/canopy\.yaml:6: service "web", field "limits\.nofile": hard limit unlimited is above canopy's own \(\d+\), which needs root \(CAP_SYS_RESOURCE\)/);
  // Lowering is anyone's right: the same limits within its own load.
  p.writeConfig("services:\n  web:\n    cmd: [sleep, '600']\n    nice: 5\n    limits:\n      nofile: { soft: 64, hard: 128 }\n      core: 0\n");
  const ok = await configAsNobody(p);
  expect({ code: ok.code, stderr: ok.stderr }).toEqual({ code: 0, stderr: "" });
}, 90_000);
