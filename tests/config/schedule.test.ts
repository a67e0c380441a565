// `schedule:` in a service: validated as cron, errors naming file, service and field; never restarted.
import { afterAll, expect, test } from "bun:test";
import { join } from "node:path";
import { loadConfigFile } from "../../src/config/load.ts";
import { validateConfig } from "../../src/config/schema.ts";
import { toSpawnRequest } from "../../src/config/spawn-request.ts";
import type { CanopyError } from "../../src/errors.ts";
import { removeTempDirs, tempDir, thrown } from "./tmp.ts";

afterAll(removeTempDirs);
const where = { file: "/x/canopy.yaml", dir: "/x" };

test("a cron expression or a macro is kept as written (trimmed); none by default", () => {
  const r = validateConfig({ services: { a: { cmd: "x", schedule: " */5 * * * * " }, b: { cmd: "x", schedule: "@daily" }, c: { cmd: "x" } } }, where);
  expect(r.problems).toEqual([]);
  expect(r.config.services.map((s) => s.schedule)).toEqual(["*/5 * * * *", "@daily", undefined]);
});

test("a bad expression names the service and the field, and says what is wrong", () => {
  for (const [bad, says] of [["* * *", "expected 5 fields"], ["61 * * * *", "61 is outside 0–59"], [5, "expected a string"]] as const) {
    const r = validateConfig({ services: { job: { cmd: "x", schedule: bad } } }, where);
    expect(r.problems.map((p) => [p.service, p.field])).toEqual([["job", "schedule"]]);
    expect(r.problems[0]?.message).toContain(says);
  }
});

test("restart other than never beside schedule is refused: a scheduled service is never restarted", () => {
  const r = validateConfig({ services: { job: { cmd: "x", schedule: "@hourly", restart: "always" } } }, where);
  expect(r.problems).toEqual([
    { service: "job", field: "restart", message: "a scheduled service is never restarted (it runs again at its next tick); leave restart out or set it to never" },
  ]);
  expect(validateConfig({ services: { job: { cmd: "x", schedule: "@hourly", restart: "never" } } }, where).problems).toEqual([]);
});

test("the spawn request of a scheduled service never restarts, not even a failed start under min_uptime", () => {
  const r = validateConfig({ services: { job: { cmd: "x", schedule: "@hourly", min_uptime: "5s" }, web: { cmd: "x", min_uptime: "5s" } } }, where);
  const [job, web] = r.config.services.map(toSpawnRequest);
  expect(job).toMatchObject({ restart: "never" });
  expect(job?.minUptimeMs).toBeUndefined();
  expect(web).toMatchObject({ restart: "always", minUptimeMs: 5000 });
});

test("the load error names the file and its line", () => {
  const dir = tempDir({ "canopy.yaml": "services:\n  job:\n    cmd: x\n    schedule: '* * *'\n" });
  const err = thrown(() => loadConfigFile(join(dir, "canopy.yaml"))) as CanopyError;
  expect(err.error_type).toBe("invalid_config");
  expect(err.message).toStartWith(`${join(dir, "canopy.yaml")}:4: service "job", field "schedule": expected 5 fields`);
});
