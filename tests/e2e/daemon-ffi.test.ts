/**
 * bun:ffi in the daemon as users start it: `up -d` gives the daemon its JSC settings, and
 * bun:ffi refuses to load under `BUN_JSC_useJIT=0`. Regression test for `ready: {notify: true}`
 * never becoming ready in a daemon started by `up -d` (the notify socket is bound through libc).
 * A config without a notify service keeps the interpreter alone (the switch costs ~2 MiB).
 */
import { afterEach, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { type TempProject, tempProject } from "../helpers/cli.ts";
import { requireTool } from "../helpers/system-tool.ts";

let project: TempProject | undefined;

afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

/** sd_notify's READY=1 sent to $NOTIFY_SOCKET by a program that is not Canopy's, then idle. */
const SENDER = `import os, socket, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.sendto(b"STATUS=up\\nREADY=1\\n", os.environ["NOTIFY_SOCKET"])
time.sleep(1000)
`;

test("a daemon started by up -d makes a ready: {notify: true} service ready when it sends READY=1", async () => {
  const python = requireTool("python3", "python3");
  const p = (project = tempProject());
  const sender = p.writeFile("send-ready.py", SENDER);
  p.writeConfig({ services: { notified: { cmd: [python, sender], ready: { notify: true } } } });

  const up = await p.cli(["up", "-d"]);
  expect({ code: up.code, stderr: up.stderr }).toMatchObject({ code: 0 });
  const doc = await p.status();
  const environ = readFileSync(`/proc/${doc.daemon.pid}/environ`, "utf8").split("\0");
  expect(environ).toContain("BUN_JSC_useJIT=1");
  expect(environ).toContain("BUN_JSC_useBaselineJIT=0");
  expect(doc.services.map((s) => ({ name: s.name, status: s.status, ready: s.ready }))).toEqual([
    { name: "notified", status: "running", ready: true },
  ]);
}, 60_000);

test("a daemon whose config has no notify service runs with the JIT switch off", async () => {
  const p = (project = tempProject());
  p.writeConfig({ services: { plain: { cmd: ["sleep", "1000"] } } });
  expect((await p.cli(["up", "-d"])).code).toBe(0);
  const doc = await p.status();
  const environ = readFileSync(`/proc/${doc.daemon.pid}/environ`, "utf8").split("\0");
  expect(environ).toContain("BUN_JSC_useJIT=0");
  expect(environ.some((v) => v.startsWith("BUN_JSC_useBaselineJIT="))).toBe(false);
}, 60_000);
