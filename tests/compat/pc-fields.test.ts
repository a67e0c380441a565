import { describe, expect, test } from "bun:test";
import { toProcessComposeField, toProcessComposeProblem } from "../../src/compat/pc-fields.ts";

describe("toProcessComposeField", () => {
  test.each([
    ["", ""],
    ["cmd", "command"],
    ["cmd[2]", "command"],
    ["cwd", "working_dir"],
    ["env", "environment"],
    ["env.1A", "environment.1A"],
    ["restart", "availability.restart"],
    ["max_restarts", "availability.max_restarts"],
    ["restart_delay", "availability.backoff_seconds"],
    ["stop_signal", "shutdown.signal"],
    ["stop_timeout", "shutdown.timeout_seconds"],
    ["autostart", "disabled"],
    ["ready", "readiness_probe"],
    ["ready.exec[0]", "readiness_probe.exec.command"],
    ["ready.http", "readiness_probe.http_get"],
    ["ready.interval", "readiness_probe.period_seconds"],
    ["alive.timeout", "liveness_probe.timeout_seconds"],
    ["alive.initial_delay", "liveness_probe.initial_delay_seconds"],
    ["alive.failure_threshold", "liveness_probe.failure_threshold"],
    ["depends_on.db.condition", "depends_on.db.condition"],
    ["availability.restart", "availability.restart"],
  ])("%s → %s", (field, want) => {
    expect(toProcessComposeField(field)).toBe(want);
  });

  test("a problem keeps everything but its field", () => {
    expect(toProcessComposeProblem({ service: "a", field: "cwd", message: "m", line: 3 })).toEqual({ service: "a", field: "working_dir", message: "m", line: 3 });
  });
});
