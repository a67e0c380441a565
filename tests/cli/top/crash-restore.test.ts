/** An uncaught error inside top still gives the terminal back before it is reported. */
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BUN } from "../../helpers/cli.ts";
import { TmuxPane } from "../../helpers/tmux.ts";

const SRC = join(import.meta.dir, "..", "..", "..", "src");

/** Top with no daemon to talk to (it waits for one), and a timer that throws where nothing catches it. */
const FIXTURE = `import { DaemonClient } from "${SRC}/cli/client.ts";
import { makeColors } from "${SRC}/cli/style.ts";
import { runTop } from "${SRC}/cli/top/app.ts";
import { openTerminal } from "${SRC}/cli/top/terminal.ts";
import { writeSync } from "node:fs";
const write = (t) => writeSync(1, t);
runTop({
  client: new DaemonClient("/nonexistent/canopy.sock", "/nowhere/canopy.yaml", false),
  configFile: "/nowhere/canopy.yaml",
  configOf: () => undefined,
  colors: makeColors(false),
  openTerminal: (handlers) => {
    const term = openTerminal(write, handlers);
    setTimeout(() => { throw new Error("boom from a timer"); }, Number(process.env.CRASH_AFTER_MS));
    return term;
  },
}).then(
  (code) => { console.log("top ended " + code); process.exit(code); },
  (err) => { console.log("top failed: " + err.message); process.exit(1); },
);
`;

let pane: TmuxPane | undefined;
let dir: string | undefined;

afterEach(() => {
  pane?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("an uncaught error: alternate screen left, cursor shown, raw mode off, then the error", async () => {
  dir = mkdtempSync(join(tmpdir(), "canopy-top-crash-"));
  const fixture = join(dir, "crash.ts");
  writeFileSync(fixture, FIXTURE);
  const script = `"$@"; echo "exited $?"; echo "tty: $(stty -a | tr ' ;' '\\n\\n' | grep -x -e '-\\?icanon' -e '-\\?echo' | tr '\\n' ' ' | sed 's/ $//')"; exec cat`;
  pane = TmuxPane.open({ argv: ["/bin/sh", "-c", script, "sh", BUN, fixture], cols: 100, rows: 24, env: { PATH: process.env.PATH ?? "", CRASH_AFTER_MS: "1500" }, cwd: dir });
  const p = pane;
  await p.waitForScreen((s) => s.includes("no daemon is running for this config — waiting for one"), "top drawn, waiting for a daemon");
  expect(p.format("#{alternate_on} #{cursor_flag}")).toBe("1 0");
  const after = await p.waitForScreen((s) => /^tty: /m.test(s), "the crash reported and the shell back");
  expect(after).toContain("top failed: boom from a timer");
  expect(after).toContain("exited 1");
  expect(after).toMatch(/^tty: icanon echo$/m);
  expect(p.format("#{alternate_on} #{cursor_flag}")).toBe("0 1");
}, 60_000);
