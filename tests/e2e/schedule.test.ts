// schedule: through the real CLI and daemon, on a clock 60 times faster (a minute is a second):
// a `* * * * *` job runs at its ticks, a tick during a run is skipped (and said so), a failed run
// is never restarted, status shows the schedule, and reload applies a changed one.
import { afterEach, expect, test } from "bun:test";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { EventEntry, ServiceView } from "../../src/api/wire.ts";
import { type TempProject, tempProject } from "../helpers/cli.ts";
import { waitFor } from "../helpers/net.ts";

let project: TempProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

/** Each run prints `run N`; the first waits for the file `release`; every run fails. */
const JOB = `n=$(( $(cat runs 2>/dev/null | wc -l) + 1 ))
echo run >> runs
echo "run $n"
if [ "$n" = 1 ]; then while [ ! -f release ]; do sleep 0.05; done; fi
exit 1
`;

test("a * * * * * schedule runs, skips the tick that overlaps a run, never restarts a failure; reload re-arms it", async () => {
  const p = (project = tempProject());
  p.writeFile("job.sh", JOB);
  p.writeConfig({ services: { job: { cmd: ["/bin/sh", join(p.dir, "job.sh")], cwd: p.dir, schedule: "* * * * *" } } });
  const opts = { env: { CANOPY_SCHEDULE_TIME_SCALE: "60" } };
  const events = async () =>
    (await p.cli(["events", "--json", "-n", "1000"])).stdout.trimEnd().split("\n").filter(Boolean).map((l) => JSON.parse(l) as EventEntry);
  const job = async () => (await p.status()).services.find((s) => s.name === "job") as ServiceView;

  const up = await p.cli(["up", "-d"], opts);
  expect(up.code).toBe(0);
  // A minute is a second here: the first tick may already have started it by the time `up` reports.
  expect(up.stdout).toMatch(/^job: (stopped|running \(pid \d+\)) — schedule \* \* \* \* \*, next run \d{4}-\d\d-\d\d \d\d:\d\d$/m);

  // The first tick runs it; the next tick finds it still running and is skipped, with an event.
  await waitFor(async () => (await job()).status === "running", "the first run");
  await waitFor(async () => (await events()).some((e) => e.type === "skipped" && e.service === "job"), "a skipped tick");
  const skipped = (await events()).find((e) => e.type === "skipped");
  expect(skipped?.reason).toMatch(/^skipped the \S+ run: the previous run \(started \S+\) is still going$/);
  expect((await job()).schedule?.skipped).toBeGreaterThanOrEqual(1);

  // The failed run ends the run: crashed, exit 1, not restarted; the next tick runs it again.
  writeFileSync(join(p.dir, "release"), "");
  await waitFor(async () => (await events()).filter((e) => e.type === "started").length >= 2, "the second run, at a tick");
  await waitFor(async () => (await job()).schedule?.last_run?.exit_code === 1, "the second run's exit");
  const all = await events();
  expect(all.filter((e) => e.type === "restarting" || e.type === "gave_up")).toEqual([]);
  expect(all.filter((e) => e.type === "exited").every((e) => e.exit_code === 1)).toBe(true);
  const view = await job();
  expect(view).toMatchObject({ status: "crashed", exit_code: 1, restarts: 0, next_restart_at: null });
  expect(view.schedule).toMatchObject({ expression: "* * * * *", last_run: { exit_code: 1, exit_signal: null } });
  expect(Date.parse(view.schedule?.next_run_at as string)).toBeGreaterThan(Date.parse(view.schedule?.last_run?.started_at as string));

  // Its output is logged like any service's; status says it is scheduled and not restarted.
  expect((await p.cli(["logs", "job"])).stdout).toContain("run 1");
  const table = await p.cli(["status"]);
  expect(table.stdout).toMatch(/^job\s+crashed\s.*exit 1; not restarted \(scheduled\); schedule \* \* \* \* \*, next run /m);

  // reload: a new schedule is armed (the next run moves to 1 January).
  p.writeConfig({ services: { job: { cmd: ["/bin/sh", join(p.dir, "job.sh")], cwd: p.dir, schedule: "0 0 1 1 *" } } });
  expect((await p.cli(["reload"])).code).toBe(0);
  const reloaded = await job();
  expect(reloaded.schedule?.expression).toBe("0 0 1 1 *");
  const next = new Date(reloaded.schedule?.next_run_at as string);
  expect([next.getMonth(), next.getDate(), next.getHours(), next.getMinutes()]).toEqual([0, 1, 0, 0]);
  expect(existsSync(join(p.dir, "runs"))).toBe(true);
}, 60_000);
