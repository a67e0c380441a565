import { expect, test } from "bun:test";
import { markOf, marksOf } from "../../src/dashboard/page/timeline.ts";

const at = "2026-12-05T08:00:00.000Z";

test("each event type becomes a kind and words, with its reason", () => {
  expect(markOf({ type: "started", service: "a", at, pid: 12 })).toEqual({ kind: "start", text: "started (pid 12)" });
  expect(markOf({ type: "exited", service: "a", at, pid: 12, exit_code: 1, signal: null, reason: "bind failed" })).toEqual({
    kind: "crash",
    text: "crashed: exit 1 (pid 12) — bind failed",
  });
  expect(markOf({ type: "exited", service: "a", at, exit_code: null, signal: "SIGKILL" })).toEqual({ kind: "crash", text: "crashed: exit SIGKILL" });
  expect(markOf({ type: "exited", service: "a", at, exit_code: 0, signal: null })).toEqual({ kind: "exit", text: "exited: exit 0" });
  expect(markOf({ type: "restarting", service: "a", at, delay_ms: 1500, crashes: 2 })).toEqual({ kind: "restart", text: "restart in 1.5s (after 2 crashes)" });
  expect(markOf({ type: "restarting", service: "a", at, delay_ms: 100, crashes: 1, reason: "restarted: liveness" })).toEqual({
    kind: "restart",
    text: "restart in 100ms (after 1 crash) — restarted: liveness",
  });
  expect(markOf({ type: "gave_up", service: "a", at, crashes: 5 })).toEqual({ kind: "gave_up", text: "gave up after 5 crashes" });
  expect(markOf({ type: "stopped", service: "a", at, pid: 3 })).toEqual({ kind: "stop", text: "stopped (pid 3)" });
  expect(markOf({ type: "start_failed", service: "a", at, reason: "port 80 in use" })).toEqual({ kind: "failed", text: "start failed — port 80 in use" });
  expect(markOf({ type: "ready", service: "a", at, pid: 4 })).toEqual({ kind: "ready", text: "ready (pid 4)" });
  expect(markOf({ type: "something_new", service: "a", at })).toEqual({ kind: "other", text: "something_new" });
});

test("an exit followed by `stopped` is the stop's exit, not a crash; one followed by a restart stays a crash", () => {
  const events = [
    { type: "exited", service: "web", at, pid: 7, exit_code: 143, signal: "SIGTERM", reason: "an older crash's reason" },
    { type: "exited", service: "api", at, pid: 8, exit_code: 1, signal: null },
    { type: "stopped", service: "web", at },
    { type: "restarting", service: "api", at, delay_ms: 100 },
  ];
  expect(marksOf(events)).toEqual([
    { kind: "exit", text: "exited on stop: exit 143 SIGTERM (pid 7)" },
    { kind: "crash", text: "crashed: exit 1 (pid 8)" },
    { kind: "stop", text: "stopped" },
    { kind: "restart", text: "restart in 100ms" },
  ]);
});
