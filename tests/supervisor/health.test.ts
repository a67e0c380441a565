/** One child's health: the readiness gate, the background re-probe after it, and the liveness watch. */
import { describe, expect, test } from "bun:test";
import { ChildHealth, type HealthDeps } from "../../src/supervisor/health.ts";
import type { ProbeResult } from "../../src/supervisor/probes.ts";
import type { ProbeCheck, ProbeSpec } from "../../src/supervisor/types.ts";
import { settle, waitFor } from "./helpers.ts";

function spec(check: ProbeCheck, extra: Partial<ProbeSpec> = {}): ProbeSpec {
  return { check, intervalMs: 10, timeoutMs: 100, initialDelayMs: 0, failureThreshold: 3, ...extra };
}

const HTTP: ProbeCheck = { kind: "http", url: "http://127.0.0.1:1/healthz" };
const ALIVE: ProbeCheck = { kind: "http", url: "http://127.0.0.1:1/livez" };

/** A health tracker whose probes answer from `answers` (per URL/kind), recording each call. */
function setup(ready: ProbeSpec | undefined, alive: ProbeSpec | undefined, opts: { lateMs?: number } = {}) {
  const answers = new Map<string, boolean[]>();
  const calls: string[] = [];
  const log: string[] = [];
  const sleeps: number[] = [];
  let current = true;
  const key = (c: ProbeCheck) => (c.kind === "http" ? c.url : c.kind);
  const deps: HealthDeps = {
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    probe: async (check, ctx): Promise<ProbeResult> => {
      calls.push(key(check));
      if (check.kind === "log") return { ok: ctx.logMatched(), detail: "log" };
      if (check.kind === "notify") return { ok: ctx.notified(), detail: "notify" };
      const queue = answers.get(key(check)) ?? [];
      const ok = queue.length > 1 ? (queue.shift() as boolean) : (queue[0] ?? false);
      return { ok, detail: ok ? "HTTP 200" : "HTTP 503" };
    },
    context: { portListening: async () => false },
    isCurrent: () => current,
    onReady: () => log.push("ready"),
    onLivenessFailed: (detail, failures) => log.push(`liveness failed ${failures}: ${detail}`),
  };
  const health = new ChildHealth(ready, alive, opts.lateMs ?? 10, deps);
  return {
    health,
    calls,
    log,
    sleeps,
    /** The answers a check gives from now on; the last one repeats. */
    answer: (check: ProbeCheck, ...oks: boolean[]) => void answers.set(key(check), oks),
    retire: () => {
      current = false;
    },
  };
}

describe("the readiness gate", () => {
  test("without a ready probe the child is ready at once", async () => {
    const t = setup(undefined, undefined);
    expect(await t.health.gate(5_000)).toBe(true);
    expect(t.health.ready).toBe(true);
    expect(t.log).toEqual(["ready"]);
    expect(t.calls).toEqual([]);
  });

  test("probes until the check passes, pacing by the interval, after the initial delay", async () => {
    const t = setup(spec(HTTP, { intervalMs: 40, initialDelayMs: 300 }), undefined);
    t.answer(HTTP, false, false, true);
    expect(await t.health.gate(5_000)).toBe(true);
    expect(t.calls).toEqual([HTTP.url, HTTP.url, HTTP.url].map(String));
    expect(t.sleeps).toEqual([300, 40, 40]);
    expect(t.log).toEqual(["ready"]);
    expect(t.health.lastDetail).toBe("HTTP 200");
  });

  test("gives up after the window (attempts = window / interval) and remembers why", async () => {
    const t = setup(spec(HTTP, { intervalMs: 100 }), undefined, { lateMs: 60_000 });
    t.answer(HTTP, false);
    expect(await t.health.gate(500)).toBe(false);
    expect(t.calls).toHaveLength(5);
    expect(t.health.ready).toBe(false);
    expect(t.health.lastDetail).toBe("HTTP 503");
    expect(t.log).toEqual([]);
    t.health.dispose();
  });

  test("a late probe: after the window, background probing goes on and fires onReady once it passes", async () => {
    const t = setup(spec(HTTP, { intervalMs: 100 }), undefined, { lateMs: 20 });
    t.answer(HTTP, false, false, false, false, true);
    expect(await t.health.gate(200)).toBe(false);
    expect(t.log).toEqual([]);
    await waitFor(() => t.log.length > 0, "the late probe to pass", 5_000);
    expect(t.log).toEqual(["ready"]);
    expect(t.health.ready).toBe(true);
    const probes = t.calls.length;
    await Bun.sleep(100);
    expect(t.calls.length).toBe(probes); // no more readiness probing once ready
  });

  test("a retired child (stopped, replaced) stops probing and never becomes ready", async () => {
    const t = setup(spec(HTTP), undefined, { lateMs: 10 });
    t.answer(HTTP, false);
    t.retire();
    expect(await t.health.gate(1_000)).toBe(false);
    expect(t.calls).toEqual([]);
    await Bun.sleep(50);
    expect(t.log).toEqual([]);
  });

  test("a log probe is satisfied by a matching output line, even while the gate waits", async () => {
    const t = setup(spec({ kind: "log", pattern: "^listening on \\d+$" }), undefined);
    t.health.noteLine("booting");
    expect(t.health.ready).toBe(false);
    t.health.noteLine("listening on 8080");
    expect(t.health.ready).toBe(true);
    expect(await t.health.gate(1_000)).toBe(true);
    expect(t.log).toEqual(["ready"]);
  });

  test("a notify probe is satisfied by READY=1", async () => {
    const t = setup(spec({ kind: "notify" }), undefined);
    t.health.noteNotified();
    expect(t.health.ready).toBe(true);
    expect(t.log).toEqual(["ready"]);
  });
});

describe("the liveness watch", () => {
  test("starts once ready; failure_threshold failures in a row call onLivenessFailed once", async () => {
    const t = setup(undefined, spec(ALIVE, { intervalMs: 10, failureThreshold: 3 }));
    t.answer(ALIVE, true, true, false, false, false);
    expect(await t.health.gate(1_000)).toBe(true);
    await waitFor(() => t.log.length > 1, "the liveness failure", 5_000);
    expect(t.log).toEqual(["ready", "liveness failed 3: HTTP 503"]);
    expect(t.calls.filter((c) => c === ALIVE.url)).toHaveLength(5);
    await Bun.sleep(60);
    expect(t.log).toHaveLength(2); // it reports once, then stops watching
    expect(t.calls.filter((c) => c === ALIVE.url)).toHaveLength(5);
  });

  test("a passing check in between resets the count: failures must be consecutive", async () => {
    const t = setup(undefined, spec(ALIVE, { intervalMs: 5, failureThreshold: 3 }));
    t.answer(ALIVE, false, false, true, false, false, true, false, false, false);
    await t.health.gate(1_000);
    await waitFor(() => t.log.length > 1, "the liveness failure", 5_000);
    expect(t.log[1]).toBe("liveness failed 3: HTTP 503");
    expect(t.calls.filter((c) => c === ALIVE.url)).toHaveLength(9);
  });

  test("does not watch before the child is ready, nor after it is disposed", async () => {
    const t = setup(spec(HTTP, { intervalMs: 10 }), spec(ALIVE, { intervalMs: 5, failureThreshold: 1 }), { lateMs: 60_000 });
    t.answer(HTTP, false);
    t.answer(ALIVE, false);
    expect(await t.health.gate(30)).toBe(false);
    await Bun.sleep(50);
    expect(t.calls).not.toContain(ALIVE.url);
    t.health.dispose();

    const u = setup(undefined, spec(ALIVE, { intervalMs: 20, failureThreshold: 1 }));
    u.answer(ALIVE, false);
    await u.health.gate(1_000);
    u.health.dispose();
    await Bun.sleep(80);
    await settle();
    expect(u.log).toEqual(["ready"]);
  });
});
