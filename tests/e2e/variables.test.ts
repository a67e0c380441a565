/**
 * `${NAME}` in canopy.yaml through the real CLI and daemon: resolved from the environment of the
 * `canopy up` that loads it, kept by the daemon for later reloads, refused when unset.
 */
import { afterEach, expect, test } from "bun:test";
import { type TempProject, tempProject } from "../helpers/cli.ts";
import { waitFor } from "../helpers/net.ts";

let project: TempProject | undefined;

afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

const CONFIG = `services:
  greeter:
    cmd: 'echo "greeting=$GREETING where=$WHERE shell-pid-is-a-number=$(echo $$$$ | grep -c "^[0-9]*$")"; sleep 600'
    env:
      GREETING: \${GREETING_FROM_SHELL}
      WHERE: \${WHERE_FROM_SHELL:-x}
`;

test("${VAR} and ${VAR:-x} resolve from up's environment; a reload from another shell keeps the daemon's values; config prints them redacted", async () => {
  const p = (project = tempProject());
  p.writeConfig(CONFIG);
  const env = { GREETING_FROM_SHELL: "hello", WHERE_FROM_SHELL: undefined };
  expect((await p.cli(["up", "-d"], { env })).code).toBe(0);
  await waitFor(async () => (await p.cli(["logs", "greeter"])).stdout.includes("greeting=hello where=x shell-pid-is-a-number=1"), "the resolved values in the log");
  // status and logs ran from a shell without the variable: they only talk to the daemon, which resolved it.
  const pid = (await p.status()).services[0]?.pid;

  // Another shell, other values: the daemon re-reads the file with its own environment, so nothing changed.
  const reload = await p.cli(["reload"], { env: { GREETING_FROM_SHELL: "bonjour", WHERE_FROM_SHELL: "elsewhere" } });
  expect(reload).toMatchObject({ code: 0, stdout: "= 1 unchanged\n" });
  expect((await p.status()).services[0]?.pid).toBe(pid);

  const shown = await p.cli(["config"], { env });
  expect(shown.code).toBe(0);
  expect(shown.stdout).toContain("GREETING: (redacted)");
  expect(shown.stdout).toContain("echo $$ | grep");
  expect(shown.stdout).not.toContain("hello");
  const json = await p.cli(["config", "--json"], { env });
  expect(json.code).toBe(0);
  const [svc] = JSON.parse(json.stdout).services;
  expect(svc.env).toEqual({ GREETING: "(redacted)", WHERE: "(redacted)" });
  expect(svc.cmd[2]).toStartWith('echo "greeting=$GREETING where=$WHERE shell-pid-is-a-number=$(echo $$ |');
}, 90_000);

test("an unset ${VAR} with no default is refused by up (exit 2, naming it, the file, service and field) and nothing starts", async () => {
  const p = (project = tempProject());
  p.writeConfig(CONFIG);
  const up = await p.cli(["up", "-d"], { env: { GREETING_FROM_SHELL: undefined } });
  expect(up.code).toBe(2);
  expect(up.stderr).toContain('canopy.yaml:5: service "greeter", field "env.GREETING": variable GREETING_FROM_SHELL is not set');
  expect((await p.cli(["status"])).code).toBe(3);
  expect((await p.cli(["config"], { env: { GREETING_FROM_SHELL: undefined } })).code).toBe(2);
}, 90_000);
