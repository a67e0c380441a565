import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { parseIni } from "../../src/compat/ini.ts";
import { splitWords } from "../../src/compat/shell-words.ts";
import { parseSupervisorEnv } from "../../src/compat/sv-env.ts";
import { expandValue } from "../../src/compat/sv-expand.ts";
import { svBoolean, svExitCodes, svSignal } from "../../src/compat/sv-values.ts";
import { supervisordToRaw } from "../../src/compat/supervisord.ts";
import { loadConfigFile, loadConfigFileWithWarnings } from "../../src/config/load.ts";
import { CanopyError } from "../../src/errors.ts";
import { removeTempDirs, tempDir, thrown } from "../config/tmp.ts";
import { SUPERVISORD_CONF } from "./fixtures.ts";

afterAll(removeTempDirs);

describe("parseIni", () => {
  test("sections, `=` and `:` keys lower-cased, comments whole-line and after whitespace only, indented continuation lines", () => {
    const { sections, problems } = parseIni("; top\n[a]\nKey = v ; note\nb: x;y\n# c\nenv=A=1,\n  B=2\n\n[b:c]\n");
    expect(problems).toEqual([]);
    expect(sections.map((s) => [s.name, s.line, Object.fromEntries(s.entries)])).toEqual([
      ["a", 2, { key: { value: "v", line: 3 }, b: { value: "x;y", line: 4 }, env: { value: "A=1,\nB=2", line: 6 } }],
      ["b:c", 9, {}],
    ]);
  });

  test("repeated sections and keys, keys before a section and stray lines are problems with lines", () => {
    expect(parseIni("x=1\n[a]\nk=1\nk=2\nstray\n[a]\n").problems).toEqual([
      { field: "x", line: 1, message: "a key before any [section] header" },
      { field: "[a].k", line: 4, message: "written twice in [a] (first on line 3); remove one" },
      { field: "", line: 5, message: 'expected "key = value" or a [section] header, got "stray"' },
      { field: "[a]", line: 6, message: "section written twice (first on line 2); merge them" },
    ]);
  });
});

describe("supervisord values", () => {
  test("splitWords: shlex rules", () => {
    expect(splitWords(`bun  'a b' "c \\"d\\"" e\\ f ""`)).toEqual(["bun", "a b", 'c "d"', "e f", ""]);
    expect(splitWords(`echo "open`)).toBe("no closing double quote");
  });

  test("expandValue: %(name)s, %(name)02d, %%; a missing name or environment variable is named", () => {
    const vars = { program_name: "cat", process_num: "3", ENV_HOME: "/home/x" };
    expect(expandValue("%(program_name)s_%(process_num)02d %(ENV_HOME)s 100%%", vars)).toBe("cat_03 /home/x 100%");
    expect(expandValue("%(ENV_NOPE)s", vars)).toEqual({ error: "%(ENV_NOPE)s names the environment variable NOPE, which is not set" });
    expect(expandValue("%(nope)s", vars)).toEqual({ error: "%(nope)s: no such expansion here (known: %(program_name)s, %(process_num)s, %(ENV_NAME)s)" });
  });

  test("parseSupervisorEnv: quoted or bare values, commas and spaces inside quotes, whitespace around pairs", () => {
    expect(parseSupervisorEnv(`A="1",B='x, y',C=plain,\n  D="a"b`)).toEqual({ A: "1", B: "x, y", C: "plain", D: "ab" });
    expect(parseSupervisorEnv(`A=a b`)).toBe('the value of A has a space outside quotes; quote it: A="…"');
    expect(parseSupervisorEnv(`A="x`)).toBe("no closing quote in the value of A");
    expect(parseSupervisorEnv(`=x`)).toBe('expected KEY="value" at "=x"');
  });

  test("booleans, signals and exit codes as supervisord writes them", () => {
    expect([svBoolean("TRUE"), svBoolean("off"), svBoolean("maybe")]).toEqual([true, false, undefined]);
    expect([svSignal("QUIT"), svSignal("sigterm"), svSignal("9 lives")]).toEqual(["SIGQUIT", "SIGTERM", undefined]);
    expect([svExitCodes("0, 2"), svExitCodes("0,x"), svExitCodes("300")]).toEqual([[0, 2], undefined, undefined]);
  });
});

describe("supervisordToRaw", () => {
  const ctx = { here: "/srv/app", env: { QUEUE: "high" }, hostname: "box" };

  test("the sample file: numprocs named by process_name, [supervisord] environment under the program's, keys mapped, the rest named", () => {
    const { sections } = parseIni(SUPERVISORD_CONF);
    const { raw, problems, ignored, notes } = supervisordToRaw(sections, ctx);
    expect(problems).toEqual([]);
    const cat = {
      cmd: ["/bin/cat", "-x", "a b"],
      cwd: "/srv/app",
      env: { APP_ENV: "production", GREETING: "hello, world", A: "1", B: "2" },
      restart: "on-failure",
      success_exit_codes: [0, 2],
      min_uptime: "2s",
      max_restarts: 4,
      restart_delay: "1s",
      stop_signal: "SIGQUIT",
      stop_timeout: "10s",
    };
    expect(raw.services).toEqual({
      cat_00: cat,
      cat_01: cat,
      worker: {
        cmd: ["bin/worker", "--queue=high"],
        env: { APP_ENV: "production", GREETING: "hello, world" },
        restart: "never",
        max_restarts: 4,
        restart_delay: "1s",
        stop_timeout: "10s",
        depends_on: { cat_00: { condition: "started" }, cat_01: { condition: "started" } },
      },
    });
    expect(ignored).toEqual([
      "[group:app].priority",
      "[supervisord].logfile",
      "[supervisord].nodaemon",
      "[program:cat].redirect_stderr",
      "[program:cat].stdout_logfile",
    ]);
    expect(notes).toEqual([
      "[group:app]: its programs run as services of their own (canopy has no groups to start or stop together)",
      "[program:cat].user: ignored: canopy runs every service as the user running canopy (it has no user key)",
      "priority: read as depends_on (condition started) on the programs of the next lower priority, so they start first and stop last",
    ]);
  });

  test("defaults as supervisord's: restart unexpected → on-failure, startsecs 1 → min_uptime 1s, startretries 3 → max_restarts 4, 10s to stop", () => {
    const { raw } = supervisordToRaw(parseIni("[program:web]\ncommand=bun web.ts\n").sections, ctx);
    expect(raw.services).toEqual({
      web: { cmd: ["bun", "web.ts"], restart: "on-failure", min_uptime: "1s", max_restarts: 4, restart_delay: "1s", stop_timeout: "10s" },
    });
  });

  test.each([
    ["command=x\nnumprocs=2", "process_name", "must include %(process_num)s (or %(process_num)02d) when numprocs is 2, so each process has its own name"],
    ["command=x\nautorestart=sometimes", "autorestart", 'expected true, false or unexpected, got "sometimes"'],
    ["command=x\nexitcodes=0,two", "exitcodes", 'expected exit codes from 0 to 255 separated by commas, such as 0,2, got "0,two"'],
    ["command=x\nstartsecs=soon", "startsecs", 'expected a whole number of seconds, got "soon"'],
    ["command=x\nstopsignal=9 lives", "stopsignal", 'expected a signal name such as TERM, INT or QUIT, got "9 lives"'],
    ["command=x %(ENV_NOPE)s", "command", "%(ENV_NOPE)s names the environment variable NOPE, which is not set"],
    ["command=echo 'open", "command", "expected a command line (no closing single quote), got \"echo 'open\""],
    ["directory=/tmp", "command", "missing; every [program:x] needs a command"],
    ["command=x\nenvironment=A=a b", "environment", 'the value of A has a space outside quotes; quote it: A="…"'],
  ])("%j → problem at %s", (body, field, message) => {
    expect(supervisordToRaw(parseIni(`[program:p]\n${body}\n`).sections, ctx).problems).toEqual([{ service: "p", field, message }]);
  });
});

describe("loading a supervisord.conf", () => {
  test("the sample with an [include] of conf.d/*.conf: programs from both, globs relative to the file, one warning", () => {
    const dir = tempDir({
      "supervisord.conf": SUPERVISORD_CONF,
      "conf.d/b.conf": "[program:Server_1A]\ncommand=bun server.ts\nenvironment=PORT=\"8080\"\n",
      "conf.d/a.conf": "[program:Manager]\ncommand=bun manager.ts\npriority=20\n",
    });
    const { config, warnings } = loadConfigFileWithWarnings(join(dir, "supervisord.conf"), { display: "supervisord.conf", env: { QUEUE: "low" } });
    expect(config.services.map((s) => [s.name, s.cmd, s.dependsOn.map((d) => d.service)])).toEqual([
      ["cat_00", ["/bin/cat", "-x", "a b"], []],
      ["cat_01", ["/bin/cat", "-x", "a b"], []],
      ["worker", ["bin/worker", "--queue=low"], ["Manager"]],
      ["Manager", ["bun", "manager.ts"], ["cat_00", "cat_01"]],
      ["Server_1A", ["bun", "server.ts"], ["Manager"]],
    ]);
    expect(config.services.find((s) => s.name === "cat_00")).toMatchObject({ successExitCodes: [0, 2], minUptimeMs: 2000, restart: "on-failure", stopSignal: "SIGQUIT" });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toStartWith("supervisord.conf: read as a supervisord file. Ignored 5 keys canopy does not support: ");
  });

  test("a bad value names the file, the line, the process and the key; one from an included file names that file", () => {
    const dir = tempDir({
      "supervisord.conf": "[program:web]\ncommand=bun web.ts\nstartretries=many\n\n[include]\nfiles=extra.ini\n",
      "extra.ini": "[program:job]\ncommand=x\nautorestart=maybe\n",
    });
    const err = thrown(() => loadConfigFile(join(dir, "supervisord.conf"), { display: "supervisord.conf" })) as CanopyError;
    expect(err).toBeInstanceOf(CanopyError);
    expect(err.error_type).toBe("invalid_config");
    expect(err.message).toBe(
      [
        "supervisord.conf: 2 problems",
        '  supervisord.conf:3: service "web", field "startretries": expected a whole number, got "many"',
        '  supervisord.conf: service "job", field "autorestart": (in extra.ini) expected true, false or unexpected, got "maybe"',
      ].join("\n"),
    );
  });
});
