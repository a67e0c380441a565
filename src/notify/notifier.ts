/**
 * Delivers events to the configured notifiers without ever holding up supervision: `publish`
 * only queues (one bounded queue per notifier, so a hanging webhook does not delay the command),
 * and each queue is drained by its own loop — one delivery at a time, each attempt under a
 * timeout, retries after a doubling delay. A delivery that fails for good, or an event refused
 * by a full queue, is logged (daemon.log) and counted; none is lost silently.
 */
import type { EventEntry, NotifyAttempt } from "../api/wire.ts";
import type { NotifyConfig } from "../config/types.ts";
import type { NotifierKind, NotifySnapshot } from "../metrics/families.ts";
import type { SupervisorEvent } from "../supervisor/types.ts";
import { type AttemptOptions, describeWebhook, postNotifyWebhook, runNotifyCommand } from "./deliver.ts";
import { buildPayload, type NotifyPayload, notifyNames, samplePayload } from "./payload.ts";
import { BoundedQueue } from "./queue.ts";
import { retryDelayMs } from "./retry.ts";

export interface NotifierOptions {
  /** The current `notify:` (a reload may change it). */
  config: () => NotifyConfig | undefined;
  /** Where the command runs. */
  cwd: () => string;
  daemon: NotifyPayload["daemon"];
  /** The values to cut out of a service's events (its env's). */
  secrets: (service: string) => string[];
  log: (message: string) => void;
  /** Seams for tests; real delivery and timers by default. */
  attempt?: (kind: NotifierKind, config: NotifyConfig, payload: NotifyPayload, opts: AttemptOptions) => Promise<NotifyAttempt>;
  sleep?: (ms: number) => Promise<void>;
  baseEnv?: Record<string, string | undefined>;
}

interface Lane {
  queue: BoundedQueue<NotifyPayload>;
  draining: boolean;
}

const KINDS: readonly NotifierKind[] = ["command", "webhook"];

export class Notifier {
  private readonly lanes: Record<NotifierKind, Lane> = {
    command: { queue: new BoundedQueue(1), draining: false },
    webhook: { queue: new BoundedQueue(1), draining: false },
  };
  private readonly sent: Record<NotifierKind, number> = { command: 0, webhook: 0 };
  private readonly failures: Record<NotifierKind, number> = { command: 0, webhook: 0 };
  private readonly attempt: NonNullable<NotifierOptions["attempt"]>;
  private readonly sleep: (ms: number) => Promise<void>;
  /** Aborted by `abandon`: in-flight commands are killed, requests cancelled, retries stop. */
  private readonly stopping = new AbortController();

  constructor(private readonly opts: NotifierOptions) {
    this.attempt = opts.attempt ?? defaultAttempt;
    this.sleep = opts.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Queues `event` for every notifier when `notify.events` names it; returns at once. */
  onEvent(event: SupervisorEvent, entry: EventEntry): void {
    const config = this.opts.config();
    if (!config) return;
    for (const name of notifyNames(event)) {
      if (config.events.includes(name)) this.publish(buildPayload(name, entry, this.opts.daemon, this.opts.secrets(entry.service)));
    }
  }

  /** Queues one payload for each configured notifier. */
  publish(payload: NotifyPayload): void {
    const config = this.opts.config();
    if (!config) return;
    for (const kind of KINDS) {
      if (!has(config, kind)) continue;
      const lane = this.lanes[kind];
      lane.queue.capacity = config.queue;
      if (this.stopping.signal.aborted) return;
      if (!lane.queue.push(payload)) {
        this.failures[kind]++;
        this.opts.log(`notify: ${describe(kind, config)}: queue full (${config.queue}), dropped ${summary(payload)}`);
        continue;
      }
      if (!lane.draining) void this.drain(kind);
    }
  }

  /** The event `canopy notify --test` sends. */
  sample(): NotifyPayload {
    return samplePayload(this.opts.daemon, new Date().toISOString());
  }

  /** One attempt per configured notifier, now, outside the queues (`canopy notify --test`); counted like any delivery. */
  async test(payload: NotifyPayload): Promise<NotifyAttempt[]> {
    const config = this.opts.config();
    if (!config) return [];
    const kinds = KINDS.filter((kind) => has(config, kind));
    return Promise.all(
      kinds.map(async (kind) => {
        const result = await this.attempt(kind, config, payload, this.attemptOptions(config));
        this.record(kind, config, payload, result, 1);
        return result;
      }),
    );
  }

  /**
   * At shutdown: what is still queued will not be delivered — counted as failures and logged, not
   * lost silently — and what is in flight is cut short (a command's process group killed), and
   * counted and logged as it fails.
   */
  abandon(): void {
    for (const kind of KINDS) {
      const lane = this.lanes[kind];
      const left = lane.queue.length;
      while (lane.queue.shift()) {}
      if (left === 0) continue;
      this.failures[kind] += left;
      this.opts.log(`notify: ${kind}: ${left} queued event(s) not delivered, the daemon is stopping`);
    }
    this.stopping.abort();
  }

  counts(): NotifySnapshot {
    return { sent: { ...this.sent }, failures: { ...this.failures } };
  }

  private async drain(kind: NotifierKind): Promise<void> {
    const lane = this.lanes[kind];
    lane.draining = true;
    try {
      for (let payload = lane.queue.shift(); payload; payload = lane.queue.shift()) await this.deliver(kind, payload);
    } finally {
      lane.draining = false;
    }
  }

  private async deliver(kind: NotifierKind, payload: NotifyPayload): Promise<void> {
    // Read again before each attempt: a reload may have changed or removed this notifier meanwhile.
    let config = this.opts.config();
    if (!config || !has(config, kind)) return;
    let result: NotifyAttempt;
    let attempts = 0;
    for (let retry = 0; ; retry++) {
      if (retry > 0) await this.sleep(retryDelayMs(retry, config.retryDelayMs));
      const now = this.opts.config();
      if (now && has(now, kind)) config = now;
      attempts++;
      result = await this.attempt(kind, config, payload, this.attemptOptions(config));
      if (result.ok || retry >= config.retries || this.stopping.signal.aborted) break;
    }
    this.record(kind, config, payload, result, attempts);
  }

  private record(kind: NotifierKind, config: NotifyConfig, payload: NotifyPayload, result: NotifyAttempt, attempts: number): void {
    if (result.ok) {
      this.sent[kind]++;
      return;
    }
    this.failures[kind]++;
    const tries = attempts === 1 ? "1 attempt" : `${attempts} attempts`;
    this.opts.log(`notify: ${describe(kind, config)} failed for ${summary(payload)} after ${tries}: ${result.error}`);
  }

  private attemptOptions(config: NotifyConfig): AttemptOptions {
    return { timeoutMs: config.timeoutMs, cwd: this.opts.cwd(), baseEnv: this.opts.baseEnv ?? process.env, signal: this.stopping.signal };
  }
}

function has(config: NotifyConfig, kind: NotifierKind): boolean {
  return (kind === "command" ? config.command : config.webhook) !== undefined;
}

function defaultAttempt(kind: NotifierKind, config: NotifyConfig, payload: NotifyPayload, opts: AttemptOptions): Promise<NotifyAttempt> {
  if (kind === "webhook") return postNotifyWebhook(config.webhook as string, payload, opts);
  return runNotifyCommand(config.command as string[], payload, opts);
}

function describe(kind: NotifierKind, config: NotifyConfig): string {
  return kind === "webhook" ? `webhook ${describeWebhook(config.webhook ?? "")}` : `command ${JSON.stringify((config.command ?? []).join(" "))}`;
}

function summary(p: NotifyPayload): string {
  return `${p.event} of ${p.service} at ${p.at}`;
}
