/**
 * Regression: a follow stream with nothing to send for 10 s was reset by the daemon (Bun's
 * idle timeout, which `srv.timeout(req, 0)` does not lift on a unix socket), so `events -f`
 * on a quiet daemon died with ECONNRESET, and the dashboard's live view with it.
 */
import { afterEach, expect, test } from "bun:test";
import { type TempProject, tempProject } from "../helpers/cli.ts";
import { LineReader } from "../helpers/net.ts";

let project: TempProject | undefined;

afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

/** Longer than Bun's default idle timeout (10 s). */
const QUIET_MS = 12_000;

test("events -f outlives a quiet spell longer than Bun's idle timeout, and still gets the next event", async () => {
  const p = (project = tempProject({ services: { quiet: { cmd: ["sleep", "600"] } } }));
  expect((await p.cli(["up", "-d"])).code).toBe(0);
  const follower = p.spawn(["events", "-f", "--json", "-n", "1"]);
  try {
    const lines = new LineReader(follower.stdout);
    expect(JSON.parse(await lines.next())).toMatchObject({ service: "quiet" });
    // Nothing happens: the time passing is what is under test, not a wait for something.
    await Bun.sleep(QUIET_MS);
    expect(follower.exitCode).toBeNull();
    expect((await p.cli(["restart", "quiet"])).code).toBe(0);
    expect(JSON.parse(await lines.next(20_000))).toMatchObject({ service: "quiet" });
  } finally {
    follower.kill("SIGKILL");
    await follower.exited;
  }
}, 60_000);
