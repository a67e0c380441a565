/** The interactive `canopy init`, driven through a real pseudo-terminal: defaults, typing, validation, cancelling. */
import { afterEach, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { loadConfigFile } from "../../src/config/index.ts";
import { BUN, cliEnv, MAIN } from "../helpers/cli.ts";
import { removeTempDirs, tempDir } from "../config/tmp.ts";

const ENTER = "\r";
const CTRL_C = "\u0003";
const BACKSPACE = "\u007f";
const RIGHT = "\u001b[C";

const running: Bun.Subprocess[] = [];
afterEach(() => {
  for (const p of running.splice(0)) if (p.exitCode === null) p.kill("SIGKILL");
  removeTempDirs();
});

/** `canopy init` on a terminal in `cwd`: wait for text to appear (after what was already matched), type keys, await the exit. */
function initInTerminal(cwd: string) {
  let output = "";
  const decoder = new TextDecoder();
  const p = Bun.spawn([BUN, MAIN, "init"], {
    cwd,
    env: cliEnv(),
    terminal: { cols: 160, rows: 50, data: (_t, data) => void (output += decoder.decode(data, { stream: true })) },
    timeout: 30_000,
    killSignal: "SIGKILL",
  });
  running.push(p);
  let seen = 0;
  return {
    /** Waits until `text` is printed after the previous match, then types `keys`. */
    async at(text: string, keys: string): Promise<void> {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const i = output.indexOf(text, seen);
        if (i >= 0) {
          seen = i + text.length;
          break;
        }
        if (Date.now() > deadline || p.exitCode !== null) throw new Error(`no ${JSON.stringify(text)} on the terminal; it shows:\n${output}`);
        await Bun.sleep(10);
      }
      p.terminal?.write(keys);
    },
    async exit(): Promise<{ code: number; output: string }> {
      const code = await p.exited;
      p.terminal?.close();
      return { code, output };
    },
  };
}

test("Enter through every prompt writes the Procfile's services (ticked by default) to a canopy.yaml that loads", async () => {
  const dir = tempDir({ Procfile: "web: python3 -m http.server --port 8124\nworker: sleep 1000\n", "package.json": JSON.stringify({ scripts: { start: "node ." } }) });
  const t = initInTerminal(dir);
  await t.at("Which should Canopy run?", ENTER);
  await t.at('Name for "python3 -m http.server --port 8124"', ENTER);
  await t.at("Command for web", ENTER);
  await t.at("Port web listens on", ENTER);
  await t.at('Name for "sleep 1000"', ENTER);
  await t.at("Command for worker", ENTER);
  await t.at("Port worker listens on", ENTER);
  await t.at("Add another service?", ENTER);
  await t.at("Write canopy.yaml?", ENTER);
  const { code, output } = await t.exit();
  expect(code).toBe(0);
  expect(output).toContain(`wrote ${join(dir, "canopy.yaml")} (2 services: web, worker)`);
  const config = loadConfigFile(join(dir, "canopy.yaml"));
  expect(config.services.map((s) => [s.name, s.cmd[2], s.port])).toEqual([
    ["web", "python3 -m http.server --port 8124", 8124],
    ["worker", "sleep 1000", undefined],
  ]);
});

test("in an empty folder it asks for a service; an invalid name is refused on the spot and can be corrected", async () => {
  const dir = tempDir();
  const t = initInTerminal(dir);
  await t.at("describe your first service", "");
  await t.at("Name of the service", `${BACKSPACE.repeat(3)}b@d${ENTER}`);
  await t.at("use letters, digits", `${BACKSPACE.repeat(3)}api${ENTER}`);
  await t.at("Command for api", `sleep 30${ENTER}`);
  await t.at("Port api listens on", `99999${ENTER}`);
  await t.at("is not a port", `${BACKSPACE.repeat(5)}9001${ENTER}`);
  await t.at("Add another service?", ENTER);
  await t.at("Write canopy.yaml?", ENTER);
  const { code } = await t.exit();
  expect(code).toBe(0);
  const config = loadConfigFile(join(dir, "canopy.yaml"));
  expect(config.services.map((s) => [s.name, s.cmd[2], s.port])).toEqual([["api", "sleep 30", 9001]]);
});

test("Ctrl-C at the first prompt: exit 1, cancelled, nothing written", async () => {
  const dir = tempDir({ Procfile: "web: sleep 1000\n" });
  const t = initInTerminal(dir);
  await t.at("Which should Canopy run?", CTRL_C);
  const { code, output } = await t.exit();
  expect(code).toBe(1);
  expect(output).toContain("canopy: cancelled; nothing was written");
  expect(readdirSync(dir)).toEqual(["Procfile"]);
});

test("Ctrl-C halfway, or answering No to writing, writes nothing", async () => {
  const dir = tempDir({ Procfile: "web: sleep 1000\n" });
  const half = initInTerminal(dir);
  await half.at("Which should Canopy run?", ENTER);
  await half.at('Name for "sleep 1000"', ENTER);
  await half.at("Command for web", CTRL_C);
  expect((await half.exit()).code).toBe(1);
  expect(readdirSync(dir)).toEqual(["Procfile"]);

  const no = initInTerminal(dir);
  await no.at("Which should Canopy run?", ENTER);
  await no.at('Name for "sleep 1000"', ENTER);
  await no.at("Command for web", ENTER);
  await no.at("Port web listens on", ENTER);
  await no.at("Add another service?", ENTER);
  await no.at("Write canopy.yaml?", `${RIGHT}${ENTER}`);
  const { code, output } = await no.exit();
  expect(code).toBe(1);
  expect(output).toContain("nothing was written");
  expect(readdirSync(dir)).toEqual(["Procfile"]);
});
