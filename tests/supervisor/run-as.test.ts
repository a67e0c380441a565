/**
 * A service run as another account (SpawnRequest.user), with real processes: needs root, as CI
 * runs. The account is the existing nobody (65534); no account is added.
 */
import { afterEach, beforeAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readProcStat } from "../../src/os/proc-info.ts";
import { Supervisor } from "../../src/supervisor.ts";
import { pidExists, waitFor } from "./helpers.ts";

const NOBODY = { name: "nobody", uid: 65534, gid: 65534 };
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

beforeAll(() => {
  expect(process.getuid?.()).toBe(0); // switching users needs root (CI runs as root)
});

/** Uid, Gid and Groups lines of /proc/PID/status, as lists of numbers. */
function idsOf(pid: number): Record<string, number[]> {
  const text = readFileSync(`/proc/${pid}/status`, "utf8");
  const line = (key: string) => (new RegExp(`^${key}:\\s*(.*)$`, "m").exec(text)?.[1] ?? "").trim().split(/\s+/).filter(Boolean).map(Number);
  return { Uid: line("Uid"), Gid: line("Gid"), Groups: line("Groups") };
}

test("runs as the account: uid, gid and the exact supplementary groups; still leads its own group; a stop reaches every process, an escaped one too", async () => {
  const sup = new Supervisor({ output: null, killTimeoutMs: 10_000 });
  cleanups.push(() => sup.stopAll());
  // 4242 is in no /etc/group: the kernel takes any gid, and it proves the list is set as given.
  const state = await sup.start({
    short: "svc",
    cmd: ["sh", "-c", 'sleep 600 & echo "child $!"; setsid sleep 601 & echo "escaped $!"; wait'],
    user: { ...NOBODY, groups: [65534, 4242] },
  });
  expect(state.status).toBe("running");
  const pid = state.pid as number;
  const announced = (what: string) => Number(new RegExp(`${what} (\\d+)`).exec((sup.logs("svc") ?? []).join(""))?.[1] ?? 0);
  await waitFor(() => announced("child") > 0 && announced("escaped") > 0, "the children's pids");
  const [child, escaped] = [announced("child"), announced("escaped")];
  await waitFor(() => readProcStat(escaped)?.pgid === escaped, "the escaped child to lead its own session");
  for (const p of [pid, child, escaped]) expect(idsOf(p)).toEqual({ Uid: [65534, 65534, 65534, 65534], Gid: [65534, 65534, 65534, 65534], Groups: [4242, 65534] });
  expect(readProcStat(pid)?.pgid).toBe(pid);
  expect(readProcStat(child)?.pgid).toBe(pid);

  expect((await sup.stop("svc"))?.status).toBe("stopped");
  expect(pidExists(pid)).toBe(false);
  await waitFor(() => !pidExists(child) && !pidExists(escaped), "the group's child and the escaped one to be gone");
});

test("a daemon that cannot drop privileges does not start the service: privilege_drop_failed, and the command never runs", async () => {
  const dir = mkdtempSync(join(tmpdir(), "canopy-runas-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const marker = join(dir, "ran");
  const script = join(dir, "start.ts");
  writeFileSync(
    script,
    `import { Supervisor } from ${JSON.stringify(join(import.meta.dir, "..", "..", "src", "supervisor.ts"))};
const sup = new Supervisor({ output: null });
const state = await sup.start({ short: "svc", cmd: ["touch", ${JSON.stringify(marker)}], user: { name: "nobody", uid: 65534, gid: 65534, groups: [65534] } });
console.log(JSON.stringify(state));
await sup.stopAll();
process.exit(0);
`,
  );
  // Root, but without CAP_SETUID and CAP_SETGID: as under a systemd unit or a container that drops them.
  const p = Bun.spawn(["setpriv", "--bounding-set=-setuid,-setgid", process.execPath, script], { stdout: "pipe", stderr: "pipe", timeout: 60_000 });
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  expect({ code, err }).toEqual({ code: 0, err: "" });
  const state = JSON.parse(out.trim());
  expect(state.status).toBe("crashed");
  expect(state.pid).toBeUndefined();
  expect(state.startError.error_type).toBe("privilege_drop_failed");
  expect(state.startError.error_description).toContain("CAP_SETUID");
  expect(existsSync(marker)).toBe(false);
});
