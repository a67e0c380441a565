/** Event → notify payload: names, CANOPY_EVENT_* variables, secrets cut out. */
import { describe, expect, test } from "bun:test";
import type { EventEntry } from "../../src/api/wire.ts";
import { buildPayload, notifyNames, payloadEnv, samplePayload, secretsOf } from "../../src/notify/payload.ts";

const daemon = { pid: 7, config_file: "/srv/canopy.yaml", hostname: "box" };
const at = "2026-01-01T00:00:00.000Z";

describe("notifyNames", () => {
  test("an event goes by its type; an exit forced by a liveness check also by liveness_failed", () => {
    expect(notifyNames({ type: "gave_up", service: "a", crashes: 3, at })).toEqual(["gave_up"]);
    expect(notifyNames({ type: "exited", service: "a", pid: 1, exitCode: 0, at })).toEqual(["exited"]);
    expect(notifyNames({ type: "exited", service: "a", pid: 1, exitCode: null, signal: "SIGTERM", at, livenessFailure: "x" })).toEqual([
      "exited",
      "liveness_failed",
    ]);
  });

  test("an exit forced by max_memory also goes by memory_exceeded, not liveness_failed", () => {
    const exited = { type: "exited", service: "a", pid: 1, exitCode: null, signal: "SIGTERM", at, memoryExceeded: "memory 9 MB over max_memory 8 MB" } as const;
    expect(notifyNames(exited)).toEqual(["exited", "memory_exceeded"]);
  });
});

describe("buildPayload", () => {
  test("the wire event, named, with the daemon that sent it", () => {
    const entry: EventEntry = { type: "gave_up", service: "api", at, crashes: 5, reason: "exited with code 1" };
    expect(buildPayload("gave_up", entry, daemon)).toEqual({
      event: "gave_up",
      type: "gave_up",
      service: "api",
      at,
      crashes: 5,
      reason: "exited with code 1",
      daemon,
    });
  });

  test("every string with a secret has it replaced, longest secret first", () => {
    const entry: EventEntry = { type: "start_failed", service: "api", at, reason: "curl -H hunter2-extended failed; token hunter2" };
    const payload = buildPayload("start_failed", entry, daemon, ["hunter2-extended", "hunter2"]);
    expect(payload.reason).toBe("curl -H *** failed; token ***");
    expect(JSON.stringify(payload)).not.toContain("hunter2");
  });

  test("secretsOf: env values worth hiding — not PORT, not short flags — longest first, once each", () => {
    expect(secretsOf({ PORT: "8080", DEBUG: "1", MODE: "on", TOKEN: "s3cr3t", KEY: "s3cr3t-longer", ALSO: "s3cr3t" })).toEqual([
      "s3cr3t-longer",
      "s3cr3t",
    ]);
  });
});

test("payloadEnv: CANOPY_EVENT, a variable per scalar field (null as empty), the whole JSON", () => {
  const payload = buildPayload("exited", { type: "exited", service: "w", at, pid: 12, exit_code: null, signal: "SIGKILL" }, daemon);
  expect(payloadEnv(payload)).toEqual({
    CANOPY_EVENT: "exited",
    CANOPY_EVENT_TYPE: "exited",
    CANOPY_EVENT_SERVICE: "w",
    CANOPY_EVENT_AT: at,
    CANOPY_EVENT_PID: "12",
    CANOPY_EVENT_EXIT_CODE: "",
    CANOPY_EVENT_SIGNAL: "SIGKILL",
    CANOPY_EVENT_JSON: JSON.stringify(payload),
  });
});

test("the sample event is named test and says where it came from", () => {
  expect(samplePayload(daemon, at)).toEqual({
    event: "test",
    type: "test",
    service: "canopy",
    at,
    reason: "a test event sent by canopy notify --test",
    daemon,
  });
});
