/** `canopy service` through the real CLI on Linux (systemd): --print, install and uninstall into a temp HOME, and systemd's own verifier. */
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { resolvePaths } from "../../src/daemon/paths.ts";
import { BUN, MAIN, runCli } from "../helpers/cli.ts";
import { removeTempDirs, tempDir } from "../config/tmp.ts";

afterAll(removeTempDirs);

/** A project folder with a config, and a HOME (with XDG_CONFIG_HOME inside it) for user units. */
function setup() {
  const dir = tempDir({ "app/canopy.yaml": "services:\n  web:\n    cmd: sleep 100\n    stop_timeout: 3s\n", "home/.keep": "" });
  const project = join(dir, "app");
  const home = join(dir, "home");
  const env = { HOME: home, XDG_CONFIG_HOME: join(home, "cfg"), CANOPY_STATE_DIR: undefined, XDG_STATE_HOME: undefined };
  const id = resolvePaths({ configFile: join(project, "canopy.yaml"), env: {} }).id;
  const unitFile = join(home, "cfg", "systemd", "user", `canopy-${id}.service`);
  const cli = (args: string[]) => runCli(args, { cwd: project, env });
  return { project, home, id, unitFile, cli };
}

/** systemd-analyze verify, when this machine has it: exit 0 and nothing said about the file. */
function expectSystemdAccepts(file: string): void {
  const analyze = Bun.which("systemd-analyze");
  if (analyze === null) return;
  const r = Bun.spawnSync([analyze, "verify", file], { stderr: "pipe", stdout: "pipe" });
  expect(r.stderr.toString()).toBe("");
  expect(r.exitCode).toBe(0);
}

describe("canopy service on Linux (systemd)", () => {
  test("install --print shows the user unit running this checkout's bun + main.ts and writes nothing", async () => {
    const s = setup();
    const r = await s.cli(["service", "install", "--user", "--print"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`ExecStart=${BUN} ${MAIN} up -c ${join(s.project, "canopy.yaml")}\n`);
    expect(r.stdout).toContain(`WorkingDirectory=${s.project}\n`);
    expect(r.stdout).toContain("TimeoutStopSec=16\n");
    expect(r.stdout).toContain("WantedBy=default.target\n");
    expect(r.stderr).toContain(`would write ${s.unitFile}`);
    expect(existsSync(join(s.home, "cfg"))).toBe(false);

    const system = await s.cli(["service", "install", "--system", "--print"]);
    expect(system.code).toBe(0);
    expect(system.stdout).toContain("WantedBy=multi-user.target\n");
    expect(system.stderr).toContain(`would write /etc/systemd/system/canopy-${s.id}.service`);
  });

  test("install --user writes the unit that --print shows, prints how to enable it; again is `unchanged`", async () => {
    const s = setup();
    const printed = await s.cli(["service", "install", "--user", "--print"]);
    const r = await s.cli(["service", "install", "--user"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toStartWith(`wrote ${s.unitFile}\n`);
    expect(r.stdout).toContain(`systemctl --user daemon-reload && systemctl --user enable --now canopy-${s.id}.service`);
    expect(r.stdout).toContain("loginctl enable-linger $USER");
    expect(readFileSync(s.unitFile, "utf8")).toBe(printed.stdout);
    expectSystemdAccepts(s.unitFile);

    const again = await s.cli(["service", "install", "--user"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toStartWith(`unchanged ${s.unitFile}\n`);
  });

  test("uninstall removes the unit and the enable link, and says how to stop it; a second uninstall fails", async () => {
    const s = setup();
    expect((await s.cli(["service", "install", "--user"])).code).toBe(0);
    // What `systemctl --user enable` would have made.
    const wants = join(s.home, "cfg", "systemd", "user", "default.target.wants");
    mkdirSync(wants);
    symlinkSync(s.unitFile, join(wants, `canopy-${s.id}.service`));

    const r = await s.cli(["service", "uninstall", "--user"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`removed ${join(wants, `canopy-${s.id}.service`)}\n`);
    expect(r.stdout).toContain(`removed ${s.unitFile}\n`);
    expect(r.stdout).toContain(`systemctl --user stop canopy-${s.id}.service; systemctl --user daemon-reload`);
    expect(existsSync(s.unitFile)).toBe(false);
    expect(existsSync(join(wants, `canopy-${s.id}.service`))).toBe(false);

    const again = await s.cli(["service", "uninstall", "--user"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`no user service is installed for ${join(s.project, "canopy.yaml")}`);
  });

  test("CANOPY_STATE_DIR set at install time is pinned into the unit", async () => {
    const s = setup();
    const state = join(s.home, "state");
    const r = await runCli(["service", "install", "--user", "--print"], { cwd: s.project, env: { HOME: s.home, CANOPY_STATE_DIR: state } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Environment="CANOPY_STATE_DIR=${state}"\n`);
  });

  test("usage errors: no action, an unknown one, --user with --system, --print with uninstall; an invalid config", async () => {
    const s = setup();
    for (const args of [["service"], ["service", "start"], ["service", "install", "--user", "--system"], ["service", "uninstall", "--print"]]) {
      const r = await s.cli(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toStartWith("canopy: ");
    }
    const bad = tempDir({ "canopy.yaml": "services:\n  Bad Name: { cmd: x }\n" });
    const r = await runCli(["service", "install", "--user", "--print"], { cwd: bad });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
  });
});
