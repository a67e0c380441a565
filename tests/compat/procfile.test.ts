import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { basePort, parseProcfile, procfileToRaw } from "../../src/compat/procfile.ts";
import { loadConfigFile, loadConfigFileWithWarnings, loadConfigWithWarnings } from "../../src/config/load.ts";
import { CanopyError } from "../../src/errors.ts";
import { removeTempDirs, tempDir, thrown } from "../config/tmp.ts";

afterAll(removeTempDirs);

const PROCFILE = "# the app\nweb: bundle exec puma -p $PORT\n\nworker:   bin/worker --queue=default:high\n  # indented comment\nclock: bin/clock\r\n";

describe("parseProcfile", () => {
  test("name: command lines; comments, blank lines and CRLF skipped; the command keeps its colons", () => {
    expect(parseProcfile(PROCFILE)).toEqual({
      entries: [
        { name: "web", command: "bundle exec puma -p $PORT", line: 2 },
        { name: "worker", command: "bin/worker --queue=default:high", line: 4 },
        { name: "clock", command: "bin/clock", line: 6 },
      ],
      problems: [],
    });
  });

  test("malformed lines, empty commands and duplicates are problems with lines", () => {
    expect(parseProcfile("web: a\njust text\n: x\napi:\nweb: b\n").problems).toEqual([
      { field: "", line: 2, message: 'expected "name: command", got "just text"' },
      { field: "", line: 3, message: 'expected "name: command", got ": x"' },
      { service: "api", field: "cmd", line: 4, message: "has no command after the colon" },
      { service: "web", field: "", line: 5, message: "defined twice (first on line 1); rename or remove one" },
    ]);
  });

  test("procfileToRaw gives every service the same env, and PORT base, base + 100, … in the file's order", () => {
    const entries = [{ name: "web", command: "a", line: 1 }, { name: "job", command: "b", line: 2 }, { name: "clock", command: "c", line: 3 }];
    expect(procfileToRaw(entries, {}, 5000)).toEqual({
      services: { web: { cmd: "a", env: { PORT: "5000" } }, job: { cmd: "b", env: { PORT: "5100" } }, clock: { cmd: "c", env: { PORT: "5200" } } },
    });
    expect(procfileToRaw(entries.slice(0, 2), { A: "1", PORT: "3000" }, 3000)).toEqual({
      services: { web: { cmd: "a", env: { A: "1", PORT: "3000" } }, job: { cmd: "b", env: { A: "1", PORT: "3100" } } },
    });
  });

  test("basePort: -p, else .env's PORT, else the environment's, else 5000; a bad or too high one is a message", () => {
    expect(basePort({ flag: 6000, dotenv: "7000", environment: "8000" })).toBe(6000);
    expect(basePort({ dotenv: "7000", environment: "8000" })).toBe(7000);
    expect(basePort({ environment: "8000" })).toBe(8000);
    expect(basePort({ environment: "" })).toBe(5000);
    expect(basePort({})).toBe(5000);
    expect(basePort({ dotenv: "http" })).toBe('the base port (PORT in .env) must be a number from 1 to 65535, got "http"');
    expect(basePort({ flag: 65_400 }, 3)).toBe("the base port 65400 (-p) leaves no port for process type 3 (65600 > 65535)");
  });
});

describe("loading a Procfile", () => {
  test("each line is a service run by sh -c in the Procfile's folder, env from .env beside it, PORT 5000, 5100, … as foreman gives", () => {
    const dir = tempDir({ Procfile: PROCFILE, ".env": "DATABASE_URL=postgres://localhost/app\nexport MODE='dev'\n" });
    const { config, warnings } = loadConfigFileWithWarnings(join(dir, "Procfile"));
    expect(warnings).toEqual([]);
    expect(config.file).toBe(join(dir, "Procfile"));
    expect(config.services.map((s) => [s.name, s.cmd, s.cwd, s.env])).toEqual([
      ["web", ["/bin/sh", "-c", "bundle exec puma -p $PORT"], dir, { DATABASE_URL: "postgres://localhost/app", MODE: "dev", PORT: "5000" }],
      ["worker", ["/bin/sh", "-c", "bin/worker --queue=default:high"], dir, { DATABASE_URL: "postgres://localhost/app", MODE: "dev", PORT: "5100" }],
      ["clock", ["/bin/sh", "-c", "bin/clock"], dir, { DATABASE_URL: "postgres://localhost/app", MODE: "dev", PORT: "5200" }],
    ]);
    const web = config.services[0];
    expect(web).toMatchObject({ restart: "always", maxRestarts: 5, autostart: true, dependsOn: [], stopSignal: "SIGTERM" });
    expect(web?.ready).toBeUndefined();
  });

  test("without a .env, env is PORT alone; Procfile.dev and *.procfile are read the same way; -c finds it", () => {
    const dir = tempDir({ "Procfile.dev": "web: a\n", "dev.procfile": "job: b\n" });
    expect(loadConfigFile(join(dir, "Procfile.dev")).services.map((s) => [s.name, s.env])).toEqual([["web", { PORT: "5000" }]]);
    expect(loadConfigFile(join(dir, "dev.procfile")).services.map((s) => s.name)).toEqual(["job"]);
    expect(loadConfigWithWarnings({ explicit: "Procfile.dev", env: {}, cwd: dir }).config.services.map((s) => s.name)).toEqual(["web"]);
  });

  test("services keep the Procfile's order, even with integer-like names", () => {
    const dir = tempDir({ Procfile: "web: a\n2: b\n1: c\n" });
    expect(loadConfigFile(join(dir, "Procfile")).services.map((s) => s.name)).toEqual(["web", "2", "1"]);
  });

  test("bad names, duplicates and malformed lines are all listed with their lines", () => {
    const dir = tempDir({ Procfile: "W.eb: a\nweb: b\nweb: c\noops\nWEB: d\n" });
    const err = thrown(() => loadConfigFile(join(dir, "Procfile"), { display: "Procfile" })) as CanopyError;
    expect(err).toBeInstanceOf(CanopyError);
    expect(err.error_type).toBe("invalid_config");
    expect(err.message).toBe(
      [
        "Procfile: 4 problems",
        '  Procfile:1: service "W.eb": invalid service name: must match ^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$ (letters, digits, "_" and "-", starting with a letter or digit, at most 63 characters)',
        '  Procfile:3: service "web": defined twice (first on line 2); rename or remove one',
        '  Procfile:4: expected "name: command", got "oops"',
        '  Procfile:5: service "WEB": differs from "web" only in case; rename one (their log files would be one file on a case-insensitive disk)',
      ].join("\n"),
    );
  });

  test("a malformed .env names its file and line", () => {
    const dir = tempDir({ Procfile: "web: a\n", ".env": "A=1\nnot an assignment\n" });
    const err = thrown(() => loadConfigFile(join(dir, "Procfile"), { display: "Procfile" })) as CanopyError;
    expect(err.message).toBe(`Procfile: in ${join(dir, ".env")}: line 2: expected KEY=VALUE, got "not an assignment"`);
  });
});
