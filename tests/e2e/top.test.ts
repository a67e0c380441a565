/** `canopy top` in a real pseudo-terminal (tmux): what it shows, what its keys do, and that it gives the terminal back. */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { StatusDocument } from "../../src/api/wire.ts";
import { BUN, cliEnv, MAIN, runCli, type TempProject, tempProject } from "../helpers/cli.ts";
import { freePort, pidAlive } from "../helpers/net.ts";
import { TmuxPane } from "../helpers/tmux.ts";

/** Idles until the file named in $CRASH_FLAG appears, then removes it and exits 1. */
const CRASHY = `import { existsSync, rmSync } from "node:fs";
console.log("crashy up");
setInterval(() => {
  if (!existsSync(process.env.CRASH_FLAG)) return;
  rmSync(process.env.CRASH_FLAG);
  console.log("crashing now");
  process.exit(1);
}, 50);
`;

const IDLE_NAMES = Array.from({ length: 8 }, (_, i) => `idle-${i}`);
const ALL_NAMES = ["web", "crashy", ...IDLE_NAMES];

let project: TempProject;
let crashFlag: string;
let pane: TmuxPane | undefined;

beforeAll(async () => {
  project = tempProject();
  crashFlag = join(project.dir, "crash.flag");
  const crashy = project.writeFile("crashy.ts", CRASHY);
  const services: Record<string, object> = {
    web: project.listener(freePort()),
    crashy: { cmd: [BUN, crashy], env: { CRASH_FLAG: crashFlag }, restart_delay: "3s" },
  };
  for (const name of IDLE_NAMES) services[name] = project.printer(3);
  project.writeConfig({ services });
  const up = await project.cli(["up", "-d"]);
  expect(up.code).toBe(0);
}, 120_000);

afterAll(async () => {
  await project.cleanup();
}, 60_000);

afterEach(() => {
  pane?.close();
  pane = undefined;
});

/** After top, the shell says how it exited and how the tty is set, then waits (cat) until tmux is killed. */
const AFTERWARDS = `"$@"; echo "top exited $?"; echo "tty: $(stty -a | tr ' ;' '\\n\\n' | grep -x -e '-\\?icanon' -e '-\\?echo' | tr '\\n' ' ' | sed 's/ $//')"; exec cat`;

function openTop(cols = 140, rows = 30, env: Record<string, string | undefined> = {}, keepShell = false): TmuxPane {
  const top = [BUN, MAIN, "-c", project.configFile, "top"];
  pane = TmuxPane.open({
    argv: keepShell ? ["/bin/sh", "-c", AFTERWARDS, "sh", ...top] : top,
    cols,
    rows,
    env: cliEnv({ stateDir: project.stateDir, env }),
    cwd: project.dir,
  });
  return pane;
}

interface Row {
  name: string;
  status: string;
  pid: string;
  line: string;
}

/** The service rows on screen: `> name status pid …` for the selected one, `  name …` for the rest. */
function rows(screen: string): Map<string, Row> {
  const found = new Map<string, Row>();
  for (const line of screen.split("\n")) {
    const m = /^[> ] (\S+)\s+(starting|running|completed|restarting|crashed|stopped|waiting|blocked)\s+(\d+|-)/.exec(line);
    if (m) found.set(m[1] as string, { name: m[1] as string, status: m[2] as string, pid: m[3] as string, line });
  }
  return found;
}

function matchesStatus(screen: string, doc: StatusDocument): boolean {
  const shown = rows(screen);
  return doc.services.every((s) => {
    const row = shown.get(s.name);
    return row !== undefined && row.status === s.status && row.pid === (s.pid === null ? "-" : String(s.pid));
  });
}

/** The pid of top itself, the pane's shell's child. */
function topPid(p: TmuxPane): number {
  const shell = p.format("#{pane_pid}");
  const children = readFileSync(`/proc/${shell}/task/${shell}/children`, "utf8").trim().split(/\s+/);
  expect(children).toHaveLength(1);
  return Number(children[0]);
}

/** Moves the selection to `name` (the table is in config order) and waits until the screen shows it selected. */
async function select(p: TmuxPane, name: string): Promise<void> {
  // Keys sent before top has the terminal in raw mode would be echoed, not read.
  await p.waitForScreen((s) => rows(s).size === ALL_NAMES.length, "top drawn");
  p.send("Home");
  const index = ALL_NAMES.indexOf(name);
  for (let i = 0; i < index; i++) p.send("j");
  await p.waitForScreen((s) => s.split("\n").some((l) => l.startsWith(`> ${name} `)), `${name} selected`);
}

describe("canopy top", () => {
  test("its rows match status --json: name, status and pid of every service, on the alternate screen, in colour", async () => {
    const p = openTop();
    const doc = await project.status();
    expect(doc.services.map((s) => s.name)).toEqual(ALL_NAMES);
    const screen = await p.waitForScreen((s) => matchesStatus(s, doc), "every row to match status --json");
    expect(screen).toContain(`daemon pid ${doc.daemon.pid}`);
    expect(screen).toContain(project.configFile);
    expect(screen).toMatch(/NAME\s+STATUS\s+PID\s+UPTIME\s+RESTARTS\s+CPU/);
    expect(p.format("#{alternate_on} #{cursor_flag}")).toBe("1 0");
    // running is drawn green (16-colour SGR 32).
    expect(p.textWithEscapes()).toContain("\x1b[32mrunning");
  }, 60_000);

  test("NO_COLOR: the same screen without a single colour", async () => {
    const p = openTop(140, 30, { NO_COLOR: "1" });
    const doc = await project.status();
    await p.waitForScreen((s) => matchesStatus(s, doc), "every row to match status --json");
    // biome-ignore lint: colour codes are the subject
    expect(p.textWithEscapes()).not.toMatch(/\u001b\[(3\d|4\d|9\d)m/);
  }, 60_000);

  test("r restarts the selected service: a new pid on screen", async () => {
    const p = openTop();
    await p.waitForScreen((s) => rows(s).get("web")?.status === "running", "web running");
    const before = rows(p.text()).get("web")?.pid as string;
    await select(p, "web");
    p.send("r");
    const screen = await p.waitForScreen((s) => {
      const row = rows(s).get("web");
      return row?.status === "running" && row.pid !== before;
    }, "web to show a new pid", 60_000);
    expect(screen).toContain("restart: web: running (pid ");
    const doc = await project.status();
    expect(rows(screen).get("web")?.pid).toBe(String(doc.services.find((s) => s.name === "web")?.pid));
    expect(pidAlive(Number(before))).toBe(false);
  }, 90_000);

  test("a service that crashes shows restarting with its WHY, then runs again with the crash counted", async () => {
    const p = openTop();
    await p.waitForScreen((s) => rows(s).get("crashy")?.status === "running", "crashy running");
    writeFileSync(crashFlag, "");
    const restarting = await p.waitForScreen((s) => rows(s).get("crashy")?.status === "restarting", "crashy restarting", 30_000);
    expect(rows(restarting).get("crashy")?.line).toMatch(/exit 1; 1 crash in 60s; next restart in \d/);
    const back = await p.waitForScreen((s) => rows(s).get("crashy")?.status === "running", "crashy running again", 30_000);
    expect(rows(back).get("crashy")?.line).toMatch(/1 crash in 60s; last exit 1/);
  }, 90_000);

  test("x asks before stopping (n keeps it running, y stops it); s starts it again", async () => {
    const p = openTop();
    await select(p, "idle-7");
    const pid = rows(p.text()).get("idle-7")?.pid as string;
    p.send("x");
    await p.waitForScreen((s) => s.includes("stop idle-7? [y/n]"), "the question");
    p.send("n");
    await p.waitForScreen((s) => s.includes("cancelled"), "the answer taken");
    expect(rows(p.text()).get("idle-7")).toMatchObject({ status: "running", pid });
    p.send("x");
    await p.waitForScreen((s) => s.includes("stop idle-7? [y/n]"), "the question again");
    p.send("y");
    const stopped = await p.waitForScreen((s) => rows(s).get("idle-7")?.status === "stopped", "idle-7 stopped", 30_000);
    expect(stopped).toContain("stop: idle-7: stopped");
    expect(pidAlive(Number(pid))).toBe(false);
    p.send("s");
    const started = await p.waitForScreen((s) => rows(s).get("idle-7")?.status === "running", "idle-7 running again", 30_000);
    expect(started).toMatch(/start: idle-7: running \(pid \d+\)/);
  }, 60_000);

  test("resized to 80×24, every service is still on screen and no line is wider than 80", async () => {
    const p = openTop(160, 40);
    await p.waitForScreen((s) => rows(s).size === ALL_NAMES.length, "all ten rows at 160×40");
    p.resize(80, 24);
    const screen = await p.waitForScreen((s) => rows(s).size === ALL_NAMES.length && !s.includes("MEM 1m"), "all ten rows at 80×24, sparklines given way", 30_000);
    expect(p.format("#{pane_width}x#{pane_height}")).toBe("80x24");
    for (const line of screen.split("\n")) expect([...line].length).toBeLessThanOrEqual(80);
    expect(screen).toContain("? help · q quit");
  }, 60_000);

  test("Enter opens the selected service's log pane with what the daemon holds; / filters it", async () => {
    const p = openTop(120, 40);
    await select(p, "idle-2");
    p.send("Enter");
    const screen = await p.waitForScreen((s) => s.includes("[idle-2] line 3"), "idle-2's lines in the pane");
    expect(screen).toContain("── logs: idle-2 — following");
    expect(screen).toContain("[idle-2] line 1");
    p.send("/");
    p.send("-l", "line 2");
    p.send("Enter");
    const filtered = await p.waitForScreen((s) => s.includes('filter "line 2": 1 lines'), "the filter applied");
    expect(filtered).not.toContain("[idle-2] line 1");
    expect(filtered).toContain("[idle-2] line 2");
  }, 60_000);

  for (const [how, quit] of [
    ["q", (p: TmuxPane) => p.send("q")],
    ["Ctrl-C", (p: TmuxPane) => p.send("C-c")],
    ["SIGTERM", (p: TmuxPane) => process.kill(topPid(p), "SIGTERM")],
    ["SIGHUP", (p: TmuxPane) => process.kill(topPid(p), "SIGHUP")],
  ] as const) {
    test(`${how} quits and leaves the terminal restored: main screen, cursor shown, raw mode off`, async () => {
      // Under a shell that stays, so the terminal is still there to look at after top is gone
      // (tmux does not keep a dead pane's cursor state).
      const p = openTop(140, 30, {}, true);
      await p.waitForScreen((s) => rows(s).size === ALL_NAMES.length, "top drawn");
      expect(p.format("#{alternate_on} #{cursor_flag}")).toBe("1 0");
      quit(p);
      const after = await p.waitForScreen((s) => /^tty: /m.test(s), "top to exit and the shell to show the tty's settings");
      expect(after).toContain("top exited 0");
      expect(p.format("#{alternate_on} #{cursor_flag}")).toBe("0 1");
      // The line discipline is back to cooked: canonical input and echo on.
      expect(after).toMatch(/^tty: icanon echo$/m);
    }, 60_000);
  }

  test("an idle top on ten services writes under 2 KB a second", async () => {
    const p = openTop(140, 30);
    const out = join(project.dir, "top-output.bin");
    await p.waitForScreen((s) => rows(s).size === ALL_NAMES.length && [...rows(s).values()].every((r) => r.status === "running"), "ten running rows");
    p.pipeTo(out);
    const seconds = 15;
    const started = Date.now();
    await Bun.sleep(seconds * 1000); // the measurement window itself, not a synchronisation
    const bytes = existsSync(out) ? statSync(out).size : 0;
    const perSecond = bytes / ((Date.now() - started) / 1000);
    console.log(`idle top, 10 services, 140×30: ${bytes} bytes in ${seconds} s = ${perSecond.toFixed(0)} B/s`);
    expect(perSecond).toBeLessThan(2048);
    // It is still drawing: the clock columns move (a frame was written at all).
    expect(bytes).toBeGreaterThan(0);
    rmSync(out, { force: true });
  }, 60_000);

  test("R shows the reload plan, asks, and applies it on y: the added service appears", async () => {
    const p = openTop(140, 30);
    await p.waitForScreen((s) => rows(s).size === ALL_NAMES.length, "top drawn");
    const services = { ...(Bun.YAML.parse(readFileSync(project.configFile, "utf8")) as { services: object }).services, extra: project.printer(1) };
    project.writeConfig({ services });
    p.send("R");
    const plan = await p.waitForScreen((s) => s.includes("reload the config with this plan? [y/n]"), "the plan and the question");
    expect(plan).toContain("  + extra");
    expect(plan).toContain("  = 10 unchanged");
    p.send("y");
    const after = await p.waitForScreen((s) => /^[> ] extra\s+running/m.test(s), "extra running", 30_000);
    expect(after).toContain("reloaded: 1 added, 0 removed, 0 changed, 10 unchanged");
  }, 60_000);

  test("when the daemon stops, top says so and waits; when it is back, so are the rows", async () => {
    const p = openTop(140, 30);
    await p.waitForScreen((s) => rows(s).size >= ALL_NAMES.length, "top drawn");
    expect((await project.cli(["down"])).code).toBe(0);
    await p.waitForScreen((s) => s.includes("daemon not running — waiting for it to come back"), "the daemon reported gone");
    expect(p.format("#{pane_dead}")).toBe("0");
    expect((await project.cli(["up", "-d"])).code).toBe(0);
    const doc = await project.status();
    const back = await p.waitForScreen((s) => matchesStatus(s, doc), "the rows of the new daemon", 30_000);
    expect(back).toContain(`daemon pid ${doc.daemon.pid}`);
  }, 90_000);
});

test("without a terminal, top exits 2 and points at canopy status", async () => {
  const r = await runCli(["top"], { timeoutMs: 30_000 });
  expect(r.code).toBe(2);
  expect(r.stderr).toContain("top needs a terminal");
  expect(r.stderr).toContain("canopy status");
  expect(r.stdout).toBe("");
  const help = await runCli(["help", "top"], { timeoutMs: 30_000 });
  expect(help.code).toBe(0);
  expect(help.stdout).toStartWith("canopy top [-c FILE]\n");
  expect((await runCli(["help"], { timeoutMs: 30_000 })).stdout).toMatch(/^ {2}top {18}watch and steer every service live/m);
}, 30_000);
