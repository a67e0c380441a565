/** `canopy dashboard` as a command: what it refuses, what it warns about, how it stops. */
import { afterEach, expect, test } from "bun:test";
import { type TempProject, tempProject } from "../helpers/cli.ts";
import { LineReader } from "../helpers/net.ts";

let project: TempProject | undefined;

afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

test("without a daemon it says how to start one (exit 3); a malformed --listen is a usage error (exit 2)", async () => {
  const p = (project = tempProject({ services: { idle: { cmd: ["sleep", "60"] } } }));
  const none = await p.cli(["dashboard", "--listen", "127.0.0.1:0"]);
  expect({ code: none.code, stdout: none.stdout }).toEqual({ code: 3, stdout: "" });
  expect(none.stderr).toContain("canopy up -d");
  const bad = await p.cli(["dashboard", "--listen", "7474"]);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain("--listen takes HOST:PORT");
});

test("on a non-loopback address it warns on stderr that the token controls the services; SIGINT stops it with exit 0", async () => {
  const p = (project = tempProject());
  p.writeConfig({ services: { idle: p.printer(1) } });
  expect((await p.cli(["up", "-d"])).code).toBe(0);
  const proc = p.spawn(["dashboard", "--listen", "0.0.0.0:0"]);
  try {
    const url = await new LineReader(proc.stdout).next(30_000);
    expect(url).toMatch(/^http:\/\/0\.0\.0\.0:[1-9]\d*\/\?token=[\w-]{43}$/);
    // Served on every address, loopback included.
    const port = new URL(url).port;
    const res = await fetch(`http://127.0.0.1:${port}/`);
    expect(res.status).toBe(401);
    proc.kill("SIGINT");
    expect(await proc.exited).toBe(0);
    const stderr = await new Response(proc.stderr).text();
    expect(stderr).toMatch(/WARNING: the dashboard listens on 0\.0\.0\.0, not on loopback: anyone who can reach .* and has the token below controls these services/);
  } finally {
    if (proc.exitCode === null) proc.kill("SIGKILL");
  }
}, 60_000);
