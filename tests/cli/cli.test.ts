/** The command line itself: version, help, usage errors, where -c goes, and colour only where it belongs. */
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CliResult, runCli, runCliInTerminal, type TempProject, tempProject } from "../helpers/cli.ts";

const ESC = "\u001b";
const dirs: string[] = [];
let project: TempProject | undefined;

afterEach(async () => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  await project?.cleanup();
  project = undefined;
});

/** An empty folder (no config in it) with a state dir beside it. */
function emptyDir(): { cwd: string; stateDir: string } {
  const cwd = realpathSync(mkdtempSync(join(tmpdir(), "canopy-cli-")));
  dirs.push(cwd);
  return { cwd, stateDir: join(cwd, ".state") };
}

function expectUsageError(r: CliResult, mention: string): void {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr).toStartWith("canopy: ");
  expect(r.stderr).toContain(mention);
}

describe("version and help", () => {
  test("--version prints canopy <semver> (<commit>)", async () => {
    const r = await runCli(["--version"], emptyDir());
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^canopy \d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)? \(([0-9a-f]{4,40}|dev)\)\n$/);
    const pkg = (await Bun.file(join(import.meta.dir, "..", "..", "package.json")).json()) as { version: string };
    expect(r.stdout).toStartWith(`canopy ${pkg.version} (`);
    expect((await runCli(["version"], emptyDir())).stdout).toBe(r.stdout);
  }, 60_000);

  test("help and help COMMAND exit 0 and describe the command", async () => {
    const overview = await runCli(["help"], emptyDir());
    expect(overview.code).toBe(0);
    expect(overview.stdout).toContain("Usage: canopy");
    for (const cmd of ["up", "down", "status", "logs", "start", "stop", "restart"]) expect(overview.stdout).toContain(cmd);

    const logs = await runCli(["help", "logs"], emptyDir());
    expect(logs.code).toBe(0);
    expect(logs.stdout).toStartWith("canopy logs");
    expect(logs.stdout).toContain("-f");
    expect(logs.stdout).toContain("Exit codes");

    const flag = await runCli(["logs", "--help"], emptyDir());
    expect(flag.code).toBe(0);
    expect(flag.stdout).toBe(logs.stdout);

    expect((await runCli([], emptyDir())).code).toBe(0);
    expectUsageError(await runCli(["help", "frobnicate"], emptyDir()), "frobnicate");
  }, 60_000);
});

describe("usage errors exit 2", () => {
  test("an unknown command", async () => {
    expectUsageError(await runCli(["frobnicate"], emptyDir()), '"frobnicate"');
  }, 60_000);

  test("an unknown flag, globally or for the command", async () => {
    expectUsageError(await runCli(["status", "--bogus"], emptyDir()), "--bogus");
    expectUsageError(await runCli(["--bogus", "status"], emptyDir()), "--bogus");
    // A flag of another command is unknown here.
    expectUsageError(await runCli(["up", "--json"], emptyDir()), "--json");
    expectUsageError(await runCli(["down", "-f"], emptyDir()), "-f");
  }, 60_000);

  test("a bad -n, and start without names or --all", async () => {
    const p = (project = tempProject());
    p.writeConfig({ services: { printer: p.printer(1) } });
    expectUsageError(await p.cli(["logs", "-n", "abc"]), "-n");
    expectUsageError(await p.cli(["start"]), "--all");
    expectUsageError(await p.cli(["stop", "printer", "--all"]), "--all");
  }, 60_000);
});

describe("-c FILE", () => {
  test("is accepted before and after the command", async () => {
    const p = (project = tempProject());
    p.writeConfig({ services: { printer: p.printer(1) } });
    const elsewhere = emptyDir();
    const opts = { cwd: elsewhere.cwd, stateDir: p.stateDir };

    // Without -c there is no config in that folder: a config error.
    const none = await runCli(["status"], opts);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("no config file found");

    // With it, the config is found and only the daemon is missing (exit 3), wherever -c stands.
    for (const args of [
      ["-c", p.configFile, "status"],
      ["status", "-c", p.configFile],
      ["--config", p.configFile, "status"],
      ["status", `--config=${p.configFile}`],
      ["logs", "-n", "1", "-c", p.configFile, "-f"],
    ]) {
      const r = await runCli(args, opts);
      expect({ args, code: r.code }).toEqual({ args, code: 3 });
      expect(r.stderr).toContain("no daemon is running");
    }

    const up = await runCli(["up", "-c", p.configFile, "-d"], opts);
    expect(up.code).toBe(0);
    const before = await runCli(["-c", p.configFile, "status", "--json"], opts);
    const after = await runCli(["status", "--json", "-c", p.configFile], opts);
    expect(before.code).toBe(0);
    expect(JSON.parse(before.stdout).daemon.pid).toBe(JSON.parse(after.stdout).daemon.pid);
  }, 60_000);
});

describe("status --json", () => {
  test("asks the daemon without validating the config: a config broken since gives the same answer and no warning", async () => {
    const p = (project = tempProject());
    p.writeConfig({ services: { printer: p.printer(1) } });
    expect((await p.cli(["up", "-d"])).code).toBe(0);
    const before = await p.cli(["status", "--json"]);
    // A bad field: the table warns that the daemon keeps the config it loaded; --json does not read it.
    p.writeConfig({ services: { printer: { ...p.printer(1), restart: "sometimes" } } });
    const after = await p.cli(["status", "--json"]);
    expect({ code: after.code, stderr: after.stderr }).toEqual({ code: 0, stderr: "" });
    expect(JSON.parse(after.stdout).daemon.pid).toBe(JSON.parse(before.stdout).daemon.pid);
    const table = await p.cli(["status"]);
    expect(table.code).toBe(0);
    expect(table.stderr).toContain("keeps the config it last loaded");
  }, 60_000);
});

describe("colour", () => {
  test("no escape codes when stdout is not a terminal, or with NO_COLOR on one; colour on a plain terminal", async () => {
    const p = (project = tempProject());
    p.writeConfig({ services: { printer: p.printer(3) } });
    const up = await p.cli(["up", "-d"]);
    expect(up.code).toBe(0);
    expect(up.stdout + up.stderr).not.toContain(ESC);

    // Piped (not a TTY): plain text everywhere.
    for (const args of [["status"], ["logs"], ["status", "--json"], ["help"]]) {
      const r = await p.cli(args);
      expect({ args, code: r.code }).toEqual({ args, code: 0 });
      expect(r.stdout + r.stderr).not.toContain(ESC);
    }
    const logs = await p.cli(["logs", "printer"]);
    expect(logs.stdout).toBe("[printer] line 1\n[printer] line 2\n[printer] line 3\n");

    // On a terminal: colour by default (so this check can see escape codes at all) …
    const base = ["-c", p.configFile];
    const tty = await runCliInTerminal([...base, "status"], { cwd: p.dir, stateDir: p.stateDir });
    expect(tty.code).toBe(0);
    expect(tty.output).toContain(`${ESC}[`);
    // Real colour codes, not escaped ones, and the columns still line up once they are stripped.
    expect(tty.output).not.toContain("\\x1b");
    const [header, row] = tty.output.replace(/\u001b\[[0-9;]*m/g, "").split("\r\n");
    expect(row?.indexOf("running")).toBe(header?.indexOf("STATUS"));
    expect(row?.search(/\d+ +- /)).toBe(header?.indexOf("PID"));
    // … and none with NO_COLOR, for the table and for prefixed log lines.
    for (const args of [["status"], ["logs", "printer"]]) {
      const r = await runCliInTerminal([...base, ...args], { cwd: p.dir, stateDir: p.stateDir, env: { NO_COLOR: "1" } });
      expect({ args, code: r.code }).toEqual({ args, code: 0 });
      expect(r.output).not.toContain(ESC);
      expect(r.output).toMatch(args[0] === "status" ? /printer\s+running/ : /\[printer\] line 3/);
    }
  }, 60_000);
});
