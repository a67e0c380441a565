/** The JSC settings `up -d` gives the daemon reach the daemon, and never the services it spawns. */
import { afterEach, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DAEMON_JSC_SETTINGS } from "../../src/daemon/runtime-env.ts";
import { type TempProject, tempProject } from "../helpers/cli.ts";
import { waitFor } from "../helpers/net.ts";

let project: TempProject | undefined;

afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

/** The environment a process started with, from /proc. */
function environOf(pid: number): Map<string, string> {
  const entries = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").filter((e) => e.includes("="));
  return new Map(entries.map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
}

test("up -d starts the daemon with its JSC settings; a service sees none of them", async () => {
  const p = (project = tempProject());
  const dump = join(p.dir, "service-env.txt");
  p.writeConfig({ services: { envdump: { cmd: ["sh", "-c", `env > "${dump}.tmp" && mv "${dump}.tmp" "${dump}" && exec sleep 1000`] } } });
  const up = await p.cli(["up", "-d"]);
  expect(up.code).toBe(0);
  const daemon = environOf((await p.status()).daemon.pid);
  for (const [name, value] of Object.entries(DAEMON_JSC_SETTINGS)) expect(daemon.get(name)).toBe(value);

  await waitFor(() => existsSync(dump), "the service to write its environment", 20_000);
  const seen = readFileSync(dump, "utf8");
  expect(seen).toContain("CANOPY_MARK="); // the dump is the service's environment
  expect(seen).not.toContain("BUN_JSC_");
  expect(seen).not.toContain("CANOPY_DAEMON_ENV");
});
