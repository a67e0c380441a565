/**
 * Hostile service output — ANSI and OSC escapes, NUL bytes, invalid UTF-8, C1 controls —
 * reaches the log files byte for byte, and cannot reach a terminal: on a real PTY, `logs`
 * (from the daemon and from the files), `status` and `up -d` print control characters
 * escaped, so a service cannot clear the screen, retitle the window, set the clipboard or
 * rewrite a status row.
 */
import { afterEach, expect, test } from "bun:test";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { runCliInTerminal, type TempProject, tempProject } from "../helpers/cli.ts";
import { waitFor } from "../helpers/net.ts";
import { cleanupProject } from "./helpers.ts";

let project: TempProject | undefined;

afterEach(async () => {
  await cleanupProject(project);
  project = undefined;
});

/** What the hostile service prints: each entry one line (the newline is added). */
const HOSTILE_LINES: Buffer[] = [
  Buffer.from("clear\x1b[2J\x1b[Hscreen", "latin1"),
  Buffer.from("title\x1b]0;pwned\x07bell", "latin1"),
  Buffer.from("clipboard\x1b]52;c;cm0gLXJmIH4=\x07", "latin1"),
  Buffer.from("nul\x00inside\x00", "latin1"),
  Buffer.from([0x62, 0x61, 0x64, 0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0x65, 0x6e, 0x64]), // "bad", invalid UTF-8, "end"
  Buffer.from("carriage\rreturn overwrites", "latin1"),
  Buffer.from("back\x08\x08\x7fspace", "latin1"),
  Buffer.concat([Buffer.from("c1 csi "), Buffer.from([0xc2, 0x9b]), Buffer.from("2J and raw "), Buffer.from([0x9b]), Buffer.from("31m")]),
  Buffer.from("\x1b[31mred\x1b[0m \x1b[1A\x1b[2Kup-and-erase", "latin1"),
];
const EXPECTED_FILE = Buffer.concat(HOSTILE_LINES.flatMap((l) => [l, Buffer.from("\n")]));

/** SGR colour sequences, the only escapes Canopy itself writes to a terminal. */
// biome-ignore lint: matching escape sequences is the point
const SGR = /\u001b\[[0-9;]*m/g;

/** The control characters left once Canopy's own colours are taken out (CRLF line ends of the PTY excepted). */
function strayControls(output: string): string[] {
  const text = output.replace(SGR, "").replace(/\r\n/g, "\n");
  // biome-ignore lint: control characters are the point
  return [...text.matchAll(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g)].map((m) => `\\x${(m[0].codePointAt(0) ?? 0).toString(16).padStart(2, "0")}`);
}

test("hostile output: byte-exact in the log file (0600), escaped on a TTY by logs, status and up -d", async () => {
  const p = (project = tempProject());
  const payload = p.writeFile("payload.bin", "");
  // The payload is written as raw bytes (writeFile takes text).
  await Bun.write(payload, EXPECTED_FILE);
  p.writeConfig({
    services: {
      hostile: { cmd: ["/bin/sh", "-c", `cat "$0"; exec sleep 600`, payload] },
      // A missing binary whose name is itself an escape sequence: its start error names it.
      trap: { cmd: ["/nonexistent/\u001b]0;owned\u0007\u001b[2Jbin"], restart: "never" },
    },
  });
  const up = await runCliInTerminal(["-c", p.configFile, "up", "-d"], { stateDir: p.stateDir, cwd: p.dir });
  // `trap` cannot start: up -d reports it (exit 1), on the terminal, escaped.
  expect(up.code).toBe(1);
  expect(up.output).toContain("trap");
  expect(strayControls(up.output)).toEqual([]);

  const logFile = join(p.stateDir, "logs", "hostile.log");
  await waitFor(() => {
    try {
      return statSync(logFile).size >= EXPECTED_FILE.length;
    } catch {
      return false;
    }
  }, "the hostile output in its log file");
  // Byte for byte: escapes, NULs and invalid UTF-8 intact.
  expect(Buffer.compare(readFileSync(logFile), EXPECTED_FILE)).toBe(0);
  expect(statSync(logFile).mode & 0o777).toBe(0o600);

  // `logs` on a terminal, from the daemon.
  const logs = await runCliInTerminal(["-c", p.configFile, "logs", "hostile"], { stateDir: p.stateDir, cwd: p.dir });
  expect(logs.code).toBe(0);
  expect(strayControls(logs.output)).toEqual([]);
  for (const visible of ["clear\\x1b[2J\\x1b[Hscreen", "title\\x1b]0;pwned\\x07bell", "nul\\x00inside\\x00", "carriage\\x0dreturn", "back\\x08\\x08\\x7fspace", "c1 csi \\x9b2J"]) {
    expect(logs.output).toContain(visible);
  }
  // Invalid UTF-8 shows as replacement characters, not raw bytes.
  expect(logs.output).toContain("bad\ufffd\ufffd\ufffd(");

  // `status` on a terminal: one header and one row per service, nothing injected.
  const status = await runCliInTerminal(["-c", p.configFile, "status"], { stateDir: p.stateDir, cwd: p.dir });
  expect(status.code).toBe(0);
  expect(strayControls(status.output)).toEqual([]);
  const rows = status.output.replace(SGR, "").split("\r\n").filter((l) => l.trim() !== "");
  expect(rows.length).toBe(3);
  expect(rows[0]).toMatch(/^NAME\s+STATUS\s/);
  expect(rows.slice(1).map((r) => r.split(/\s+/)[0])).toEqual(["hostile", "trap"]);

  // `status --json` carries the start error JSON-escaped: no raw control characters either.
  const json = await p.cli(["status", "--json"]);
  expect(strayControls(json.stdout)).toEqual([]);
  expect(JSON.parse(json.stdout).services[1].start_error.error_type).toBe("missing_dependency");

  // With no daemon, `logs` reads the files: escaped on a terminal too.
  expect((await p.cli(["down"])).code).toBe(0);
  const offline = await runCliInTerminal(["-c", p.configFile, "logs", "hostile"], { stateDir: p.stateDir, cwd: p.dir });
  expect(offline.code).toBe(0);
  expect(strayControls(offline.output)).toEqual([]);
  expect(offline.output).toContain("title\\x1b]0;pwned\\x07bell");
  // …and the file still holds the raw bytes.
  expect(Buffer.compare(readFileSync(logFile), EXPECTED_FILE)).toBe(0);
}, 90_000);
