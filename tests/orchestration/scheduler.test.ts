// The scheduler alone, on a clock the test moves: ticks run, skip while a run goes on, stop when unwanted.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { ServiceConfig } from "../../src/config/types.ts";
import { type ScheduleClock, Scheduler } from "../../src/orchestration/scheduler.ts";

const savedTz = process.env.TZ;
beforeAll(() => {
  process.env.TZ = "UTC";
});
afterAll(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

/** A clock that moves only when the test says; due timers fire in order. */
function manualClock(start: number) {
  let now = start;
  let timers: { at: number; fn: () => void }[] = [];
  const clock: ScheduleClock = {
    now: () => now,
    setTimer: (fn, ms) => {
      const timer = { at: now + ms, fn };
      timers.push(timer);
      return () => {
        timers = timers.filter((t) => t !== timer);
      };
    },
  };
  const advance = (ms: number) => {
    const end = now + ms;
    for (;;) {
      const due = timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      timers = timers.filter((t) => t !== due);
      now = due.at;
      due.fn();
    }
    now = end;
  };
  return { clock, advance, pending: () => timers.length };
}

const svc = (name: string, schedule?: string) => ({ name, ...(schedule ? { schedule } : {}) }) as ServiceConfig;
const START = Date.parse("2026-05-04T10:00:30Z");

function setup(services: ServiceConfig[]) {
  const { clock, advance, pending } = manualClock(START);
  const runs: string[] = [];
  const skips: string[] = [];
  const running = new Set<string>();
  const wanted = new Set(services.map((s) => s.name));
  const scheduler = new Scheduler({
    clock,
    isWanted: (n) => wanted.has(n),
    isRunning: (n) => running.has(n),
    run: async (n) => {
      runs.push(`${n}@${new Date(clock.now()).toISOString().slice(11, 16)}`);
    },
    onSkip: (n, detail) => skips.push(`${n}: ${detail}`),
  });
  scheduler.sync(services);
  return { scheduler, advance, pending, runs, skips, running, wanted };
}

test("every minute: one run per tick, at the tick; services without a schedule are left alone", () => {
  const t = setup([svc("job", "* * * * *"), svc("web")]);
  expect(t.scheduler.view("web")).toBeUndefined();
  expect(t.scheduler.view("job")?.next_run_at).toBe("2026-05-04T10:01:00.000Z");
  t.advance(3 * 60_000);
  expect(t.runs).toEqual(["job@10:01", "job@10:02", "job@10:03"]);
  expect(t.scheduler.view("job")?.next_run_at).toBe("2026-05-04T10:04:00.000Z");
});

test("a tick while the run still goes is skipped and reported; the next free tick runs", () => {
  const t = setup([svc("job", "* * * * *")]);
  t.running.add("job");
  t.advance(60_000);
  expect(t.runs).toEqual([]);
  expect(t.skips).toEqual(["job: the 2026-05-04T10:01:00.000Z run: the previous run is still going"]);
  expect(t.scheduler.view("job")?.skipped).toBe(1);
  t.running.delete("job");
  t.advance(60_000);
  expect(t.runs).toEqual(["job@10:02"]);
});

test("an unwanted (stopped) service is not run and shows no next run, but stays armed", () => {
  const t = setup([svc("job", "* * * * *")]);
  t.wanted.delete("job");
  t.advance(2 * 60_000);
  expect(t.runs).toEqual([]);
  expect(t.scheduler.view("job")?.next_run_at).toBeNull();
  t.wanted.add("job");
  t.advance(60_000);
  expect(t.runs).toEqual(["job@10:03"]);
});

test("sync after a reload: a changed schedule is re-armed, a removed one disarmed, an unchanged one kept", () => {
  const t = setup([svc("a", "* * * * *"), svc("b", "* * * * *"), svc("c", "* * * * *")]);
  t.scheduler.sync([svc("a", "*/5 * * * *"), svc("b", "* * * * *"), svc("c")]);
  expect(t.pending()).toBe(2);
  t.advance(5 * 60_000);
  expect(t.runs.filter((r) => r.startsWith("a"))).toEqual(["a@10:05"]);
  expect(t.runs.filter((r) => r.startsWith("b"))).toHaveLength(5);
  expect(t.runs.filter((r) => r.startsWith("c"))).toEqual([]);
});

test("@reboot runs once at boot, if wanted, and never on the clock", () => {
  const t = setup([svc("once", "@reboot")]);
  t.scheduler.boot();
  t.advance(24 * 3_600_000);
  expect(t.runs).toEqual(["once@10:00"]);
  expect(t.scheduler.view("once")).toMatchObject({ expression: "@reboot", next_run_at: null });
});

test("the last run: started, then its exit, from the supervisor's events", () => {
  const t = setup([svc("job", "@hourly")]);
  t.scheduler.onEvent({ type: "started", service: "job", pid: 9, at: "2026-05-04T11:00:00.000Z" });
  expect(t.scheduler.view("job")?.last_run).toEqual({ started_at: "2026-05-04T11:00:00.000Z", ended_at: null, exit_code: null, exit_signal: null });
  t.scheduler.onEvent({ type: "exited", service: "job", pid: 9, exitCode: 3, at: "2026-05-04T11:00:02.000Z" });
  expect(t.scheduler.view("job")?.last_run).toEqual({ started_at: "2026-05-04T11:00:00.000Z", ended_at: "2026-05-04T11:00:02.000Z", exit_code: 3, exit_signal: null });
});

test("stop disarms everything", () => {
  const t = setup([svc("job", "* * * * *")]);
  t.scheduler.stop();
  t.advance(10 * 60_000);
  expect(t.runs).toEqual([]);
  expect(t.pending()).toBe(0);
});
