import { describe, expect, test } from "bun:test";
import { validateConfig } from "../../src/config/schema.ts";

const WHERE = { file: "/proj/canopy.yaml", dir: "/proj" };
const validate = (settings: Record<string, unknown>) => validateConfig({ services: { api: { cmd: "x", ...settings } } }, WHERE);

describe("restart_max_delay and restart_reset_after", () => {
  test("defaults: 30s and 60s", () => {
    const svc = validate({}).config.services[0];
    expect([svc?.restartMaxDelayMs, svc?.restartResetAfterMs]).toEqual([30_000, 60_000]);
  });

  test("read as durations", () => {
    const svc = validate({ restart_delay: "1s", restart_max_delay: "2m", restart_reset_after: "5m" }).config.services[0];
    expect([svc?.restartDelayMs, svc?.restartMaxDelayMs, svc?.restartResetAfterMs]).toEqual([1_000, 120_000, 300_000]);
  });

  test("equal to restart_delay is fine", () => {
    expect(validate({ restart_delay: "2s", restart_max_delay: "2s" }).problems).toEqual([]);
  });

  test("left out with a restart_delay above 30s, the max delay follows restart_delay", () => {
    const { config, problems } = validate({ restart_delay: "45s" });
    expect(problems).toEqual([]);
    expect(config.services[0]?.restartMaxDelayMs).toBe(45_000);
  });

  test.each([
    [{ restart_delay: "5s", restart_max_delay: "1s" }, "restart_max_delay", 'must be at least restart_delay (5000ms), got "1s"'],
    [{ restart_max_delay: "50ms" }, "restart_max_delay", 'must be at least restart_delay (100ms), got "50ms"'],
    [{ restart_max_delay: "later" }, "restart_max_delay", 'expected a duration like 250ms, 5s or 2m, got "later"'],
    [{ restart_reset_after: 0 }, "restart_reset_after", "must be at least 1ms, got 0"],
    [{ restart_reset_after: "2d" }, "restart_reset_after", 'expected a duration like 250ms, 5s or 2m, got "2d"'],
  ])("%j → %s", (settings, field, message) => {
    expect(validate(settings).problems).toEqual([{ service: "api", field, message }]);
  });
});
