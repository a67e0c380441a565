/** The pure generators behind `canopy service`: systemd unit, launchd plist, spec, file locations, instructions. */
import { afterAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfigFile } from "../../src/config/index.ts";
import { resolvePaths } from "../../src/daemon/paths.ts";
import { DAEMON_FFI_JSC_SETTINGS, DAEMON_JSC_SETTINGS, daemonRuntimeVars } from "../../src/daemon/runtime-env.ts";
import { launchdPlist } from "../../src/service/launchd.ts";
import { disableInstructions, enableInstructions, serviceFilePath } from "../../src/service/locations.ts";
import { reachabilityNote, serviceEnvironment } from "../../src/service/reachable.ts";
import { buildServiceSpec, type Scope, type ServiceSpec, stopTimeoutSec } from "../../src/service/spec.ts";
import { quoteExecArg, systemdUnit } from "../../src/service/systemd.ts";
import { removeTempDirs, tempDir, thrown } from "../config/tmp.ts";

afterAll(removeTempDirs);

/** What every daemon environment gets added (nothing here sets the settings itself). */
const tuning = daemonRuntimeVars({});

/** A spec from a real config file written into a folder named `folder`. */
function specFor(yaml: string, opts: { scope?: Scope; env?: Record<string, string>; folder?: string; self?: string[] } = {}): ServiceSpec {
  const dir = join(tempDir({ [`${opts.folder ?? "proj"}/canopy.yaml`]: yaml }), opts.folder ?? "proj");
  const config = loadConfigFile(join(dir, "canopy.yaml"));
  const env = opts.env ?? { PATH: "/usr/bin:/bin", HOME: "/home/ann" };
  return buildServiceSpec({ config, paths: resolvePaths({ configFile: config.file, env }), self: opts.self ?? ["/opt/canopy/bin/canopy"], env, scope: opts.scope ?? "user" });
}

/** The `key=value` lines of one [section] of a unit. */
function section(unit: string, name: string): string[] {
  const lines = unit.split("\n");
  const start = lines.indexOf(`[${name}]`);
  expect(start).toBeGreaterThanOrEqual(0);
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((l) => l.startsWith("["));
  return (end === -1 ? rest : rest.slice(0, end)).filter((l) => l.includes("="));
}

const SLEEPER = "services:\n  api:\n    cmd: sleep 100\n    stop_timeout: 7s\n  db:\n    cmd: [sleep, '100']\n";

describe("systemd unit", () => {
  test("user unit: foreground `up -c`, restart on failure, SIGTERM to canopy alone, reload by SIGHUP, default.target", () => {
    const spec = specFor(SLEEPER);
    const unit = systemdUnit(spec);
    expect(unit).toStartWith(`# Written by \`canopy service install\` for ${spec.configFile}\n[Unit]\n`);
    expect(section(unit, "Service")).toEqual([
      "Type=simple",
      `ExecStart=/opt/canopy/bin/canopy up -c ${spec.configFile}`,
      "ExecReload=/bin/kill -HUP $MAINPID",
      `WorkingDirectory=${spec.workingDirectory}`,
      `Environment="PATH=/usr/bin:/bin"`,
      ...tuning.map(([name, value]) => `Environment="${name}=${value}"`),
      "Restart=on-failure",
      "RestartSec=2",
      "KillMode=mixed",
      "KillSignal=SIGTERM",
      "Delegate=yes",
      "TimeoutStopSec=24",
    ]);
    expect(section(unit, "Install")).toEqual(["WantedBy=default.target"]);
    expect(unit).not.toContain("network-online");
    expect(spec.workingDirectory).toEndWith("/proj");
  });

  test("a Procfile read with -p, or a PM2 file with --env: the unit's up reads it the same way", () => {
    const dir = tempDir({ Procfile: "web: x\n", "ecosystem.json": JSON.stringify({ apps: [{ name: "a", script: "a.js", env_production: {} }] }) });
    const env = { PATH: "/usr/bin:/bin" };
    const at = (file: string, choice: { port?: number; env?: string }) => {
      const config = loadConfigFile(join(dir, file), { choice });
      return buildServiceSpec({ config, paths: resolvePaths({ configFile: config.file, env }), self: ["canopy"], env, scope: "user" }).argv;
    };
    expect(at("Procfile", { port: 6000 })).toEqual(["canopy", "up", "-c", join(dir, "Procfile"), "-p", "6000"]);
    expect(at("ecosystem.json", { env: "production" })).toEqual(["canopy", "up", "-c", join(dir, "ecosystem.json"), "--env", "production"]);
  });

  test("system unit waits for the network and is wanted by multi-user.target", () => {
    const unit = systemdUnit(specFor(SLEEPER, { scope: "system" }));
    expect(section(unit, "Unit")).toContain("After=network-online.target");
    expect(section(unit, "Unit")).toContain("Wants=network-online.target");
    expect(section(unit, "Install")).toEqual(["WantedBy=multi-user.target"]);
  });

  test("CANOPY_STATE_DIR is pinned (absolute) only when set; else XDG_STATE_HOME when absolute", () => {
    const plain = specFor(SLEEPER, { env: { PATH: "/bin", HOME: "/h" } });
    expect(plain.environment).toEqual([["PATH", "/bin"], ...tuning]);
    const pinned = specFor(SLEEPER, { env: { PATH: "/bin", HOME: "/h", CANOPY_STATE_DIR: "/var/lib/canopy/x" } });
    expect(pinned.environment).toEqual([["CANOPY_STATE_DIR", "/var/lib/canopy/x"], ["PATH", "/bin"], ...tuning]);
    expect(systemdUnit(pinned)).toContain(`Environment="CANOPY_STATE_DIR=/var/lib/canopy/x"\n`);
    const xdg = specFor(SLEEPER, { env: { HOME: "/h", XDG_STATE_HOME: "/srv/state" } });
    expect(xdg.environment).toEqual([["XDG_STATE_HOME", "/srv/state"], ...tuning]);
    expect(systemdUnit(xdg)).not.toContain("PATH=");
  });

  test("the daemon's JSC settings go in the unit, except one the user set", () => {
    const unit = systemdUnit(specFor(SLEEPER, { env: { PATH: "/bin", HOME: "/h" } }));
    for (const [name, value] of Object.entries(DAEMON_JSC_SETTINGS)) expect(unit).toContain(`Environment="${name}=${value}"\n`);
    // The user's own value is theirs to pass on; the unit neither repeats nor marks it.
    const [chosen] = Object.keys(DAEMON_JSC_SETTINGS) as [string];
    const own = specFor(SLEEPER, { env: { PATH: "/bin", HOME: "/h", [chosen]: "1" } });
    expect(own.environment.filter(([name]) => name === chosen)).toEqual([]);
    const others = Object.keys(DAEMON_JSC_SETTINGS).filter((name) => name !== chosen);
    if (others.length === 0) expect(own.environment.map(([name]) => name)).not.toContain("CANOPY_DAEMON_ENV");
    else expect(own.environment).toContainEqual(["CANOPY_DAEMON_ENV", others.join(",")]);
  });

  test("a config with a notify service gets the JIT switch bun:ffi needs, every tier still off", () => {
    const unit = systemdUnit(specFor("services:\n  api:\n    cmd: sleep 100\n    ready: { notify: true }\n", { env: { PATH: "/bin", HOME: "/h" } }));
    for (const [name, value] of Object.entries(DAEMON_FFI_JSC_SETTINGS)) expect(unit).toContain(`Environment="${name}=${value}"\n`);
  });

  test("paths with spaces, % and $ are quoted so systemd reads them literally", () => {
    const spec = specFor(SLEEPER, { folder: "my app 100%", self: ["/opt/bun $HOME/bun", "/src/main.ts"] });
    const unit = systemdUnit(spec);
    const dir = spec.workingDirectory;
    expect(dir).toEndWith("/my app 100%");
    expect(unit).toContain(`ExecStart="/opt/bun $$HOME/bun" /src/main.ts up -c "${dir.replace("%", "%%")}/canopy.yaml"\n`);
    expect(unit).toContain(`WorkingDirectory=${dir.replace("%", "%%")}\n`);
    expect(quoteExecArg('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(quoteExecArg("plain/path-1.2")).toBe("plain/path-1.2");
  });

  test("a line break in any value is refused instead of ending the setting early", () => {
    const e = thrown(() => specFor(SLEEPER, { env: { PATH: "/bin\nExecStartPre=/bin/evil", HOME: "/h" } })) as Error;
    expect(e.message).toContain("line break");
  });
});

describe("TimeoutStopSec", () => {
  test("twice the longest stop_timeout plus 10s; dependency levels stop one after another", () => {
    expect(specFor(SLEEPER).stopTimeoutSec).toBe(7 * 2 + 10);
    expect(specFor("services: {}\n").stopTimeoutSec).toBe(10);
    const chain = specFor(
      "services:\n  db: { cmd: sleep 1, stop_timeout: 3s }\n  api: { cmd: sleep 1, stop_timeout: 4s, depends_on: [db] }\n  web: { cmd: sleep 1, stop_timeout: 500ms, depends_on: [api] }\n  cron: { cmd: sleep 1, stop_timeout: 2s }\n",
    );
    // Levels: [web] 0.5s, [api] 4s, [db, cron] 3s → 7.5s → 15s + 10s.
    expect(chain.stopTimeoutSec).toBe(25);
  });

  test("is always above each service's stop_timeout", () => {
    const config = loadConfigFile(join(tempDir({ "canopy.yaml": "services:\n  slow: { cmd: sleep 1, stop_timeout: 90s }\n" }), "canopy.yaml"));
    expect(stopTimeoutSec(config.services)).toBeGreaterThan(90);
  });
});

describe("launchd plist", () => {
  test("label, argv, working folder, environment, KeepAlive on failure, exit timeout, logs in the state folder", async () => {
    const spec = specFor(SLEEPER, { folder: "a&b <c>", env: { PATH: "/usr/bin", HOME: "/Users/ann", CANOPY_STATE_DIR: "/tmp/st" } });
    const plist = launchdPlist(spec);
    expect(plist).toStartWith('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist');
    expect(plist).toContain("a&amp;b &lt;c&gt;");
    expect(plist).not.toContain("a&b");
    const expected = {
      Label: `dev.canopy.${spec.id}`,
      ProgramArguments: ["/opt/canopy/bin/canopy", "up", "-c", spec.configFile],
      WorkingDirectory: spec.workingDirectory,
      EnvironmentVariables: { CANOPY_STATE_DIR: "/tmp/st", PATH: "/usr/bin", ...Object.fromEntries(tuning) },
      RunAtLoad: true,
      KeepAlive: { SuccessfulExit: false },
      ThrottleInterval: 2,
      ExitTimeOut: 24,
      StandardOutPath: "/tmp/st/launchd.out.log",
      StandardErrorPath: "/tmp/st/launchd.err.log",
    };
    // A real plist parser where there is one (python3's plistlib); the text checks above hold everywhere.
    const python = Bun.which("python3");
    if (python !== null) {
      const file = join(tempDir(), "x.plist");
      writeFileSync(file, plist);
      const r = Bun.spawnSync([python, "-c", "import json,plistlib,sys; print(json.dumps(plistlib.load(open(sys.argv[1],'rb'))))", file]);
      expect(r.stderr.toString()).toBe("");
      expect(JSON.parse(r.stdout.toString())).toEqual(expected);
    }
    expect(plist).toContain(`<key>KeepAlive</key>\n  <dict>\n    <key>SuccessfulExit</key>\n    <false/>\n  </dict>`);
  });
});

describe("locations and instructions", () => {
  test("unit and plist paths for each scope; XDG_CONFIG_HOME only when absolute", () => {
    const env = { HOME: "/home/ann" };
    expect(serviceFilePath("systemd", "user", "x-1", env, "/nope")).toBe("/home/ann/.config/systemd/user/canopy-x-1.service");
    expect(serviceFilePath("systemd", "user", "x-1", { ...env, XDG_CONFIG_HOME: "/cfg" }, "/nope")).toBe("/cfg/systemd/user/canopy-x-1.service");
    expect(serviceFilePath("systemd", "user", "x-1", { ...env, XDG_CONFIG_HOME: "cfg" }, "/nope")).toBe("/home/ann/.config/systemd/user/canopy-x-1.service");
    expect(serviceFilePath("systemd", "user", "x-1", {}, "/fallback")).toBe("/fallback/.config/systemd/user/canopy-x-1.service");
    expect(serviceFilePath("systemd", "system", "x-1", env, "/nope")).toBe("/etc/systemd/system/canopy-x-1.service");
    expect(serviceFilePath("launchd", "user", "x-1", env, "/nope")).toBe("/home/ann/Library/LaunchAgents/dev.canopy.x-1.plist");
    expect(serviceFilePath("launchd", "system", "x-1", env, "/nope")).toBe("/Library/LaunchDaemons/dev.canopy.x-1.plist");
  });

  test("enable and disable commands name the unit, --user only for user units; linger advice for user units", () => {
    const user = enableInstructions("systemd", "user", "x-1", "/f").join("\n");
    expect(user).toContain("systemctl --user daemon-reload && systemctl --user enable --now canopy-x-1.service");
    expect(user).toContain("loginctl enable-linger $USER");
    expect(user).toContain("systemctl --user reload canopy-x-1.service");
    const system = enableInstructions("systemd", "system", "x-1", "/f").join("\n");
    expect(system).toContain("systemctl daemon-reload && systemctl enable --now canopy-x-1.service");
    expect(system).not.toContain("--user");
    expect(system).not.toContain("linger");
    expect(disableInstructions("systemd", "user", "x-1").join("\n")).toContain("systemctl --user stop canopy-x-1.service; systemctl --user daemon-reload");
    expect(enableInstructions("launchd", "user", "x-1", "/a b/f.plist").join("\n")).toContain("launchctl bootstrap gui/$(id -u) '/a b/f.plist'");
    expect(enableInstructions("launchd", "system", "x-1", "/f.plist").join("\n")).toContain("sudo launchctl bootstrap system /f.plist");
    expect(disableInstructions("launchd", "user", "x-1").join("\n")).toContain("launchctl bootout gui/$(id -u)/dev.canopy.x-1");
  });

  test("a note when the daemon under the init system would use another socket than this shell", () => {
    const configFile = "/srv/app/canopy.yaml";
    const same = serviceEnvironment("systemd", "user", [], "/home/ann", 1000);
    expect(reachabilityNote({ configFile, shellEnv: { HOME: "/home/ann", XDG_RUNTIME_DIR: "/run/user/1000" }, serviceEnv: same, uid: 1000 })).toEqual([]);
    // A system unit has no XDG_RUNTIME_DIR: its socket falls back to /tmp while a login shell looks in /run/user/0.
    const system = serviceEnvironment("systemd", "system", [], "/root", 0);
    const note = reachabilityNote({ configFile, shellEnv: { HOME: "/root", XDG_RUNTIME_DIR: "/run/user/0" }, serviceEnv: system, uid: 0 });
    expect(note.join("\n")).toContain("/tmp/canopy-0/");
    expect(note.join("\n")).toContain("export CANOPY_STATE_DIR=/root/.local/state/canopy/app-");
    // With CANOPY_STATE_DIR pinned, both agree.
    const pinned = serviceEnvironment("systemd", "system", [["CANOPY_STATE_DIR", "/var/lib/c"]], "/root", 0);
    expect(reachabilityNote({ configFile, shellEnv: { HOME: "/root", XDG_RUNTIME_DIR: "/run/user/0", CANOPY_STATE_DIR: "/var/lib/c" }, serviceEnv: pinned, uid: 0 })).toEqual([]);
  });
});
