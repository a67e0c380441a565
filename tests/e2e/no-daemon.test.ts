/** Commands against a config whose daemon is not running. */
import { afterEach, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { type TempProject, tempProject } from "../helpers/cli.ts";

let project: TempProject | undefined;

afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

test("no daemon: status and logs -f exit 3, down exits 0, stop exits 3", async () => {
  const p = (project = tempProject());
  p.writeConfig({ services: { printer: p.printer(3) } });

  const status = await p.cli(["status"]);
  expect(status.code).toBe(3);
  expect(status.stdout).toBe("");
  expect(status.stderr).toContain("no daemon is running");

  const json = await p.cli(["status", "--json"]);
  expect(json.code).toBe(3);
  expect(json.stdout).toBe("");

  const follow = await p.cli(["logs", "-f"]);
  expect(follow.code).toBe(3);
  expect(follow.stderr).toContain("no daemon is running");

  const stop = await p.cli(["stop", "printer"]);
  expect(stop.code).toBe(3);

  // Plain logs read the (absent) files and print nothing.
  const logs = await p.cli(["logs"]);
  expect(logs.code).toBe(0);
  expect(logs.stdout).toBe("");

  const down = await p.cli(["down"]);
  expect(down.code).toBe(0);
  expect(down.stderr).toContain("no daemon");
  expect(existsSync(p.socketPath)).toBe(false);
}, 60_000);
