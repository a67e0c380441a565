/** `status` shows READY, CPU and MEM for running services, from /proc, over each service's whole process group. */
import { afterEach, expect, test } from "bun:test";
import { BUN, type TempProject, tempProject } from "../helpers/cli.ts";
import { waitFor } from "../helpers/net.ts";
import { fixtures } from "./orchestration-fixtures.ts";

let project: TempProject | undefined;

afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

test.skipIf(process.platform !== "linux")("status shows CPU and memory numbers for running services, dashes for the rest", async () => {
  const p = (project = tempProject());
  const f = fixtures(p);
  const busy = p.writeFile("busy.ts", "for (;;) {}\n");
  p.writeConfig({
    services: {
      busy: { cmd: [BUN, busy] },
      idle: { cmd: f.idle },
      // The work happens in a grandchild: it is counted too (the whole group).
      wrapped: { cmd: `${BUN} ${busy} & wait` },
      off: { cmd: f.idle, autostart: false },
    },
  });
  expect((await p.cli(["up", "-d"])).code).toBe(0);

  const doc = await waitFor(
    async () => {
      const d = await p.status();
      const get = (n: string) => d.services.find((s) => s.name === n);
      return (get("busy")?.cpu_percent ?? 0) > 10 && (get("wrapped")?.cpu_percent ?? 0) > 10 ? d : undefined;
    },
    "busy and wrapped to show CPU use",
    20_000,
    200,
  );
  const get = (n: string) => doc.services.find((s) => s.name === n);
  for (const name of ["busy", "idle", "wrapped"]) {
    expect(typeof get(name)?.cpu_percent).toBe("number");
    expect(get(name)?.memory_bytes).toBeGreaterThan(1024 * 1024);
    expect(get(name)?.ready).toBe(true);
  }
  expect(get("idle")?.cpu_percent).toBeLessThan(50);
  expect(get("off")).toMatchObject({ status: "stopped", ready: false, cpu_percent: null, memory_bytes: null });

  // usage=0 (what `up -d` polls with): statuses alone, no scan of /proc behind them.
  const bare = (await (await fetch("http://canopy/v1/services?usage=0", { unix: p.socketPath })).json()) as typeof doc;
  expect(bare.services.find((s) => s.name === "busy")).toMatchObject({ status: "running", cpu_percent: null, memory_bytes: null });
  expect(bare.services.find((s) => s.name === "busy")?.pid).toBe(get("busy")?.pid as number);

  const table = await p.cli(["status"]);
  expect(table.code).toBe(0);
  const lines = table.stdout.trimEnd().split("\n");
  expect(lines[0]).toMatch(/^NAME\s+STATUS\s+READY\s+PID\s+PORT\s+CPU\s+MEM\s+UPTIME\s+RESTARTS\s+WHY$/);
  expect(lines.find((l) => l.startsWith("busy "))).toMatch(/^busy\s+running\s+yes\s+\d+\s+-\s+\d+\.\d%\s+\d+\.\d[KMG]\s+\d+s\s+0$/);
  expect(lines.find((l) => l.startsWith("off "))).toMatch(/^off\s+stopped\s+-\s+-\s+-\s+-\s+-\s+-\s+0$/);

  // status NAME... picks rows, in the order asked; an unknown name is an error.
  const picked = await p.cli(["status", "idle", "busy"]);
  expect(picked.stdout.trimEnd().split("\n").slice(1).map((l) => l.split(/\s+/)[0])).toEqual(["idle", "busy"]);
  const unknown = await p.cli(["status", "nope"]);
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toContain('no service named "nope"');
}, 90_000);
