import { expect, test } from "bun:test";
import { liveAfter } from "../../src/dashboard/page/live-status.ts";

const at = "2026-12-05T08:00:00.000Z";
const running = { status: "running", pid: 10, ready: true };

test("a crash, a restart, a stop and giving up show at once; a start shows its pid, ready makes it running", () => {
  const exited = liveAfter(running, { type: "exited", service: "a", at, pid: 10, exit_code: null, signal: "SIGKILL" });
  expect(exited).toEqual({ status: "running", pid: null, ready: false });
  expect(liveAfter(exited, { type: "restarting", service: "a", at, delay_ms: 100 })).toEqual({ status: "restarting", pid: null, ready: false });
  expect(liveAfter(exited, { type: "stopped", service: "a", at })).toEqual({ status: "stopped", pid: null, ready: false });
  expect(liveAfter(exited, { type: "gave_up", service: "a", at, crashes: 5 })).toEqual({ status: "crashed", pid: null, ready: false });
  const started = liveAfter(exited, { type: "started", service: "a", at, pid: 11 });
  expect(started).toEqual({ status: "starting", pid: 11, ready: false });
  expect(liveAfter(started, { type: "ready", service: "a", at, pid: 11 })).toEqual({ status: "running", pid: 11, ready: true });
});

test("an event it cannot read leaves the service as it was, for the snapshot to settle", () => {
  expect(liveAfter(running, { type: "start_failed", service: "a", at, reason: "port in use" })).toBe(running);
  expect(liveAfter(running, { type: "something_new", service: "a", at })).toBe(running);
});
