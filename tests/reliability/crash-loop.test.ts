/**
 * A service that exits at once, forever (`restart: always`, `restart_delay: 100ms`): the
 * restart budget and the backoff hold, the daemon stays idle (under 5% CPU over 30 s), and
 * `status --json` explains what happened. This is the suite's one long test: 30 s is the
 * requirement's own window.
 */
import { afterEach, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type TempProject, tempProject } from "../helpers/cli.ts";
import { waitFor } from "../helpers/net.ts";
import { cleanupProject, clockTicksPerSecond, cpuTicks } from "./helpers.ts";

const WINDOW_MS = 30_000;
const MAX_CPU_PERCENT = 5;

let project: TempProject | undefined;

afterEach(async () => {
  await cleanupProject(project);
  project = undefined;
});

function spawns(file: string): number {
  try {
    return readFileSync(file, "utf8").split("\n").filter((l) => l === "spawn").length;
  } catch {
    return 0;
  }
}

test("crash loops: the budget gives up, the backoff spaces respawns, the daemon stays under 5% CPU for 30 s, status explains", async () => {
  const p = (project = tempProject());
  const budgetFile = join(p.dir, "budget.spawns");
  const backoffFile = join(p.dir, "backoff.spawns");
  const crashing = (file: string) => ["/bin/sh", "-c", 'echo spawn >> "$0"; exit 3', file];
  p.writeConfig({
    services: {
      // Gives up: the 5th crash within 60 s marks it crashed.
      budget: { cmd: crashing(budgetFile), restart: "always", restart_delay: "100ms", max_restarts: 5, restart_window: "60s" },
      // Never runs out of budget: only the backoff (100 ms doubling, capped at 30 s by default) spaces the respawns.
      backoff: { cmd: crashing(backoffFile), restart: "always", restart_delay: "100ms", max_restarts: 1_000_000, restart_window: "24h" },
      steady: p.printer(1),
    },
  });
  const up = await p.cli(["up", "-d"]);
  // `up -d` says the crashing services did not come up.
  expect(up.code).toBe(1);
  expect(up.stderr).toContain("budget");

  const daemonPid = (await p.status()).daemon.pid;
  const hz = clockTicksPerSecond();
  const ticks0 = cpuTicks(daemonPid);
  const t0 = performance.now();
  // The measurement window: poll the (cheap) spawn counters, not the daemon, so the test does not load it.
  await waitFor(() => performance.now() - t0 >= WINDOW_MS, "the 30 s measurement window", WINDOW_MS + 5_000, 500);
  const ticks1 = cpuTicks(daemonPid);
  const wallS = (performance.now() - t0) / 1000;
  const cpuPercent = (((ticks1 - ticks0) / hz) / wallS) * 100;

  const doc = await p.status();
  const budget = doc.services.find((s) => s.name === "budget");
  const backoff = doc.services.find((s) => s.name === "backoff");
  const counts = { budget: spawns(budgetFile), backoff: spawns(backoffFile) };
  console.log(
    `crash-loop: daemon CPU ${cpuPercent.toFixed(2)}% over ${wallS.toFixed(1)} s (${ticks1 - ticks0} ticks at ${hz} Hz); ` +
      `spawns budget=${counts.budget} backoff=${counts.backoff}; budget ${JSON.stringify({ status: budget?.status, exit_code: budget?.exit_code, restarts: budget?.restarts, reason: budget?.reason })}; ` +
      `backoff ${JSON.stringify({ status: backoff?.status, restarts: backoff?.restarts, next_restart_at: backoff?.next_restart_at })}`,
  );
  expect(cpuPercent).toBeLessThan(MAX_CPU_PERCENT);

  // The budget: exactly max_restarts runs, then `crashed`, and it says why.
  expect(counts.budget).toBe(5);
  expect(budget?.status).toBe("crashed");
  expect(budget?.exit_code).toBe(3);
  expect(budget?.restarts).toBe(5);
  expect(budget?.reason).toContain("3");
  expect(budget?.pid).toBeNull();

  // The backoff: 100 ms doubling to the 30 s cap allows about 9 runs in 30 s (0.1+0.2+…+12.8 s ≈ 25.5 s), not 300.
  expect(counts.backoff).toBeGreaterThanOrEqual(7);
  expect(counts.backoff).toBeLessThanOrEqual(11);
  expect(["restarting", "starting", "running"]).toContain(backoff?.status as string);
  expect(backoff?.restarts).toBe(counts.backoff - (backoff?.status === "restarting" ? 0 : 1));
  expect(backoff?.exit_code).toBe(3);

  // The human view says the same.
  const table = await p.cli(["status"]);
  expect(table.stdout).toMatch(/budget\s+crashed/);
  expect(table.stdout).toContain("exit 3");

  // The one healthy service was never disturbed.
  expect(doc.services.find((s) => s.name === "steady")?.status).toBe("running");
}, 60_000);
