/** The Notifier's queueing, retries and accounting, with the delivery itself injected. */
import { expect, test } from "bun:test";
import type { NotifyAttempt } from "../../src/api/wire.ts";
import type { NotifyConfig } from "../../src/config/types.ts";
import type { NotifierKind } from "../../src/metrics/families.ts";
import { Notifier } from "../../src/notify/notifier.ts";
import type { NotifyPayload } from "../../src/notify/payload.ts";
import { waitFor } from "../supervisor/helpers.ts";

const at = "2026-01-01T00:00:00.000Z";
const base: NotifyConfig = {
  events: ["gave_up"],
  command: ["/bin/true"],
  webhook: "http://127.0.0.1:9/hook?token=secret",
  timeoutMs: 1_000,
  retries: 2,
  retryDelayMs: 100,
  queue: 10,
};

function setup(config: NotifyConfig, attempt: (kind: NotifierKind, payload: NotifyPayload) => Promise<NotifyAttempt>) {
  const logged: string[] = [];
  const waits: number[] = [];
  const notifier = new Notifier({
    config: () => config,
    cwd: () => "/",
    daemon: { pid: 1, config_file: "/c.yaml", hostname: "h" },
    secrets: () => ["topsecretvalue"],
    log: (m) => logged.push(m),
    attempt: (kind, _config, payload) => attempt(kind, payload),
    sleep: async (ms) => void waits.push(ms),
  });
  return { notifier, logged, waits };
}

const gaveUp = { type: "gave_up" as const, service: "api", crashes: 3, at };
const entry = { type: "gave_up", service: "api", at, crashes: 3, reason: "exit 1 with topsecretvalue" };

test("only the named events are queued, once per notifier, secrets cut out", async () => {
  const seen: string[] = [];
  const t = setup(base, async (kind, p) => {
    seen.push(`${kind}:${p.event}:${p.reason}`);
    return { notifier: kind, ok: true };
  });
  t.notifier.onEvent({ type: "started", service: "api", pid: 5, at }, { type: "started", service: "api", at, pid: 5 });
  t.notifier.onEvent(gaveUp, entry);
  await waitFor(() => seen.length === 2, "both notifiers to deliver");
  expect(seen.sort()).toEqual(["command:gave_up:exit 1 with ***", "webhook:gave_up:exit 1 with ***"]);
  expect(t.notifier.counts()).toEqual({ sent: { command: 1, webhook: 1 }, failures: { command: 0, webhook: 0 } });
});

test("a failing notifier is retried with doubling waits, then counted and logged — without the URL's query", async () => {
  let webhookTries = 0;
  const t = setup(base, async (kind) => {
    if (kind === "command") return { notifier: kind, ok: true };
    webhookTries++;
    return { notifier: kind, ok: false, error: "HTTP 500" };
  });
  t.notifier.onEvent(gaveUp, entry);
  await waitFor(() => t.notifier.counts().failures.webhook === 1, "the webhook to fail for good");
  expect(webhookTries).toBe(3);
  expect(t.waits).toEqual([100, 200]);
  expect(t.logged).toEqual(["notify: webhook http://127.0.0.1:9/hook failed for gave_up of api at 2026-01-01T00:00:00.000Z after 3 attempts: HTTP 500"]);
  expect(t.notifier.counts()).toEqual({ sent: { command: 1, webhook: 0 }, failures: { command: 0, webhook: 1 } });
});

test("publishing never waits for delivery; a hung notifier fills only its own queue, and what it refuses is counted", async () => {
  const hung: Array<() => void> = [];
  let commands = 0;
  const t = setup({ ...base, queue: 2 }, (kind) => {
    if (kind === "command") {
      commands++;
      return Promise.resolve({ notifier: kind, ok: true });
    }
    return new Promise((resolve) => hung.push(() => resolve({ notifier: kind, ok: true })));
  });
  // Webhook: one in flight, two queued, the fourth and fifth refused. The command keeps delivering each.
  for (let i = 1; i <= 5; i++) {
    t.notifier.onEvent(gaveUp, entry);
    await waitFor(() => commands === i, `command delivery ${i} despite the hung webhook`);
  }
  expect(t.notifier.counts().failures).toEqual({ command: 0, webhook: 2 });
  expect(t.logged.filter((m) => m.includes("queue full (2)"))).toHaveLength(2);
  for (let i = 0; i < 3; i++) {
    await waitFor(() => hung.length > 0, "the next webhook delivery");
    hung.shift()?.();
  }
  await waitFor(() => t.notifier.counts().sent.webhook === 3, "the queued webhook deliveries");
});

test("test(): one attempt per notifier, no retry, results returned and counted", async () => {
  const t = setup(base, async (kind) => (kind === "command" ? { notifier: kind, ok: true } : { notifier: kind, ok: false, error: "refused" }));
  const results = await t.notifier.test(t.notifier.sample());
  expect(results).toEqual([
    { notifier: "command", ok: true },
    { notifier: "webhook", ok: false, error: "refused" },
  ]);
  expect(t.waits).toEqual([]);
  expect(t.notifier.counts()).toEqual({ sent: { command: 1, webhook: 0 }, failures: { command: 0, webhook: 1 } });
  expect(t.logged).toHaveLength(1);
});

test("abandon(): queued events are counted and logged at once; the one in flight is cut short, then counted and logged", async () => {
  const logged: string[] = [];
  const notifier = new Notifier({
    config: () => ({ ...base, command: undefined }),
    cwd: () => "/",
    daemon: { pid: 1, config_file: "/c.yaml", hostname: "h" },
    secrets: () => [],
    log: (m) => logged.push(m),
    // Answers only when aborted, as a hung receiver does once the daemon cancels the request.
    attempt: (kind, _config, _payload, opts) =>
      new Promise<NotifyAttempt>((resolve) =>
        opts.signal?.addEventListener("abort", () => resolve({ notifier: kind, ok: false, error: "cancelled" })),
      ),
  });
  notifier.onEvent(gaveUp, entry);
  notifier.onEvent(gaveUp, entry);
  notifier.onEvent(gaveUp, entry);
  notifier.abandon();
  expect(logged[0]).toBe("notify: webhook: 2 queued event(s) not delivered, the daemon is stopping");
  await waitFor(() => notifier.counts().failures.webhook === 3, "the in-flight delivery to fail");
  // Cut short, it was not retried.
  expect(logged.slice(1)).toEqual([`notify: webhook http://127.0.0.1:9/hook failed for gave_up of api at ${at} after 1 attempt: cancelled`]);
  // Nothing is queued once stopping.
  notifier.onEvent(gaveUp, entry);
  expect(notifier.counts().failures.webhook).toBe(3);
});
