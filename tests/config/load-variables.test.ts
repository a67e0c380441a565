/** `${NAME}` in canopy's own config files, resolved at load from the environment given; other formats keep their `$`. */
import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { loadConfigFile } from "../../src/config/load.ts";
import { CanopyError } from "../../src/errors.ts";
import { removeTempDirs, tempDir, thrown } from "./tmp.ts";

afterAll(removeTempDirs);

const env = { APP_DIR: "app", LEVEL: "debug", EMPTY: "" };

describe("variables in canopy.yaml", () => {
  test("cmd, cwd, env, env_file and port resolve; defaults fill what is unset or empty; $$ is a literal $", () => {
    const dir = tempDir({
      "app/.env.debug": "FROM_FILE=yes\n",
      "canopy.yaml": `services:
  api:
    cmd: ["bun", "\${APP_DIR}/server.ts", "--level=\${LEVEL:-info}"]
    cwd: ./\${APP_DIR}
    env: { MODE: "\${MODE:-prod}", NOTE: "\${EMPTY:-none}", PRICE: "5$$" }
    env_file: \${APP_DIR}/.env.\${LEVEL}
    port: \${API_PORT:-8088}
  sh:
    cmd: echo $$$$ $HOME \${LEVEL}
`,
    });
    const config = loadConfigFile(join(dir, "canopy.yaml"), { env });
    const [api, sh] = config.services;
    expect(api?.cmd).toEqual(["bun", "app/server.ts", "--level=debug"]);
    expect(api?.cwd).toBe(join(dir, "app"));
    expect(api?.port).toBe(8088);
    expect(api?.env).toEqual({ FROM_FILE: "yes", MODE: "prod", NOTE: "none", PRICE: "5$", PORT: "8088" });
    expect(sh?.cmd).toEqual(["/bin/sh", "-c", "echo $$ $HOME debug"]);
  });

  test("an unset variable with no default is refused, naming the file, line, service, field and variable", () => {
    const dir = tempDir({ "canopy.yaml": "services:\n  ok:\n    cmd: [sleep, '1']\n  db:\n    cmd: run\n    env:\n      URL: postgres://${DB_HOST}/x\n" });
    const err = thrown(() => loadConfigFile(join(dir, "canopy.yaml"), { display: "canopy.yaml", env })) as CanopyError;
    expect(err).toBeInstanceOf(CanopyError);
    expect(err.error_type).toBe("invalid_config");
    expect(err.message).toStartWith('canopy.yaml:7: service "db", field "env.URL": variable DB_HOST is not set');
  });

  test("a field whose variable is missing is reported once, not again as a bad value", () => {
    const dir = tempDir({ "canopy.yaml": "services:\n  web:\n    cmd: run\n    port: ${WEB_PORT}\n    cwd: ${WEB_DIR}\n" });
    const err = thrown(() => loadConfigFile(join(dir, "canopy.yaml"), { display: "canopy.yaml", env })) as CanopyError;
    const problems = (err.details.problems as { field: string; message: string }[]).map((p) => [p.field, p.message.split(" (")[0]]);
    expect(problems).toEqual([
      ["port", "variable WEB_PORT is not set"],
      ["cwd", "variable WEB_DIR is not set"],
    ]);
  });

  test("unsetVariables: empty reads an unset variable as \"\" (for commands that only talk to a daemon)", () => {
    const dir = tempDir({ "canopy.yaml": "services:\n  db:\n    cmd: [run, '${DB_HOST}', '${DB_PORT:-5432}']\n" });
    expect(loadConfigFile(join(dir, "canopy.yaml"), { env, unsetVariables: "empty" }).services[0]?.cmd).toEqual(["run", "", "5432"]);
  });

  test("TOML and JSON resolve too", () => {
    const toml = tempDir({ "canopy.toml": '[services.a]\ncmd = ["echo", "${LEVEL}"]\n' });
    expect(loadConfigFile(join(toml, "canopy.toml"), { env }).services[0]?.cmd).toEqual(["echo", "debug"]);
    const json = tempDir({ "canopy.json": '{"services":{"a":{"cmd":["echo","${LEVEL}"],"port":"${P:-7001}"}}}' });
    expect(loadConfigFile(join(json, "canopy.json"), { env }).services[0]).toMatchObject({ cmd: ["echo", "debug"], port: 7001 });
  });

  test("a Procfile and a process-compose file keep their $ for the shell: nothing is resolved, nothing refused", () => {
    const dir = tempDir({
      Procfile: "web: echo ${UNSET_IN_PROCFILE} $$\n",
      "process-compose.yaml": 'processes:\n  w:\n    command: "echo ${UNSET_IN_PC} $$"\n',
    });
    expect(loadConfigFile(join(dir, "Procfile"), { env }).services[0]?.cmd).toEqual(["/bin/sh", "-c", "echo ${UNSET_IN_PROCFILE} $$"]);
    expect(loadConfigFile(join(dir, "process-compose.yaml"), { env }).services[0]?.cmd).toEqual(["/bin/sh", "-c", "echo ${UNSET_IN_PC} $$"]);
  });

  test("without an env option the loading process's environment is used", () => {
    const dir = tempDir({ "canopy.yaml": "services:\n  a:\n    cmd: [echo, '${CANOPY_TEST_VAR_FROM_PROCESS}']\n" });
    process.env.CANOPY_TEST_VAR_FROM_PROCESS = "from-process";
    try {
      expect(loadConfigFile(join(dir, "canopy.yaml")).services[0]?.cmd).toEqual(["echo", "from-process"]);
    } finally {
      delete process.env.CANOPY_TEST_VAR_FROM_PROCESS;
    }
  });
});
