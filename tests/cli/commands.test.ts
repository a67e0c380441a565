/** The new commands through the real CLI, where no daemon is needed: help, usage errors, no daemon, convert. */
import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../helpers/cli.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** An empty folder with a state dir beside it. */
function emptyDir(): { cwd: string; stateDir: string } {
  const cwd = realpathSync(mkdtempSync(join(tmpdir(), "canopy-cli-new-")));
  dirs.push(cwd);
  return { cwd, stateDir: join(cwd, ".state") };
}

describe("help", () => {
  test("the overview lists events, reload and convert; each has its own help", async () => {
    const opts = emptyDir();
    const overview = await runCli(["help"], opts);
    for (const cmd of ["events", "reload", "convert"]) expect(overview.stdout).toContain(cmd);
    const expectations: Record<string, string[]> = {
      events: ["canopy events", "-f", "--json", "-n N", "started, ready, exited"],
      reload: ["canopy reload", "--dry-run", "+ added", "SIGHUP", "exit 2"],
      convert: ["canopy convert FILE", "-o OUT", "--force", "-o -", "Procfile"],
      status: ["ready", "CPU", "waiting", "blocked", "cpu_percent"],
    };
    for (const [cmd, mentions] of Object.entries(expectations)) {
      const r = await runCli(["help", cmd], opts);
      expect({ cmd, code: r.code }).toEqual({ cmd, code: 0 });
      for (const m of mentions) expect(r.stdout).toContain(m);
      expect(r.stdout).toContain("Exit codes");
      expect((await runCli([cmd, "--help"], opts)).stdout).toBe(r.stdout);
    }
  }, 60_000);
});

describe("without a daemon", () => {
  test("events, events -f and reload exit 3; reload does not even need a valid config to say so", async () => {
    const opts = emptyDir();
    const config = join(opts.cwd, "canopy.yaml");
    writeFileSync(config, "services:\n  a:\n    cmd: [sleep, '1']\n");
    for (const args of [["events"], ["events", "-f"], ["reload"], ["reload", "--dry-run"]]) {
      const r = await runCli(["-c", config, ...args], opts);
      expect({ args, code: r.code }).toEqual({ args, code: 3 });
      expect(r.stderr).toContain("no daemon is running");
    }
    writeFileSync(config, "services: [broken\n");
    const r = await runCli(["-c", config, "reload"], opts);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("no daemon is running");
    expect((await runCli(["-c", config, "events", "-n", "x"], opts)).code).toBe(2);
  }, 60_000);
});

describe("convert", () => {
  test("a Procfile: canopy.yaml beside it, warnings none, refuses to overwrite without --force, -o - to stdout", async () => {
    const opts = emptyDir();
    const procfile = join(opts.cwd, "Procfile");
    writeFileSync(procfile, "web: bun web.ts --port $PORT\nworker: bun worker.ts\n");
    const r = await runCli(["convert", "Procfile"], opts);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    const out = join(opts.cwd, "canopy.yaml");
    expect(r.stderr).toContain(`wrote ${out} (2 services)`);
    expect(readFileSync(out, "utf8")).toBe(
      "# canopy.yaml, written by canopy from Procfile\nservices:\n  web:\n    cmd: bun web.ts --port $PORT\n    env:\n      PORT: \"5000\"\n  worker:\n    cmd: bun worker.ts\n    env:\n      PORT: \"5100\"\n",
    );

    writeFileSync(out, "# mine\n");
    const again = await runCli(["convert", "Procfile"], opts);
    expect(again.code).toBe(2);
    expect(readFileSync(out, "utf8")).toBe("# mine\n");
    expect((await runCli(["convert", "Procfile", "--force"], opts)).code).toBe(0);
    expect(readFileSync(out, "utf8")).toStartWith("# canopy.yaml, written by canopy from Procfile");

    const stdout = await runCli(["convert", procfile, "-o", "-"], opts);
    expect(stdout.code).toBe(0);
    expect(stdout.stdout).toStartWith("# canopy.yaml, written by canopy from Procfile\nservices:\n");
  }, 60_000);

  test("a process-compose file: what canopy skips goes to stderr; -o names the output", async () => {
    const opts = emptyDir();
    writeFileSync(
      join(opts.cwd, "process-compose.yaml"),
      'version: "0.5"\nprocesses:\n  api:\n    command: bun api.ts\n    replicas: 2\n    availability: { restart: always }\n',
    );
    const r = await runCli(["convert", "process-compose.yaml", "-o", "out.yaml"], opts);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("canopy: warning: process-compose.yaml: read as a process-compose file");
    expect(r.stderr).toContain("Ignored 1 key canopy does not support: version");
    expect(readFileSync(join(opts.cwd, "out.yaml"), "utf8")).toContain("  api:\n    cmd: bun api.ts\n    replicas: 2\n    restart_delay: 1s\n");
    expect(existsSync(join(opts.cwd, "canopy.yaml"))).toBe(false);
  }, 60_000);

  test("usage errors: no file, two files, a missing file, an invalid one, converting onto itself", async () => {
    const opts = emptyDir();
    expect((await runCli(["convert"], opts)).code).toBe(2);
    expect((await runCli(["convert", "a", "b"], opts)).code).toBe(2);
    const missing = await runCli(["convert", "Procfile"], opts);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("does not exist");
    writeFileSync(join(opts.cwd, "Procfile"), "not a procfile line\n");
    const bad = await runCli(["convert", "Procfile", "-o", "-"], opts);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("Procfile:1");
    writeFileSync(join(opts.cwd, "canopy.yaml"), "services:\n  a:\n    cmd: [sleep, '1']\n");
    const self = await runCli(["convert", "canopy.yaml", "--force"], opts);
    expect(self.code).toBe(2);
    expect(self.stderr).toContain("refusing to overwrite the file being converted");
    const noDir = await runCli(["convert", "canopy.yaml", "-o", "nowhere/x.yaml"], opts);
    expect(noDir.code).toBe(2);
  }, 60_000);
});
