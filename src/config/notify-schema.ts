/** Validation of the top-level `notify:` (alerts: a command and/or a webhook for chosen events); pure. */
import { checkArgv, checkDuration, checkInt, checkString, checkUnknownKeys, describe, isMapping, type Report } from "./checks.ts";
import { closestKey } from "./suggest.ts";
import { NOTIFY_EVENTS, type NotifyConfig, type NotifyEventName } from "./types.ts";

/** The keys allowed under `notify:`. */
export const NOTIFY_KEYS = ["events", "command", "webhook", "timeout", "retries", "retry_delay", "queue"] as const;

/** What `notify:` means when a key is left out. */
export const NOTIFY_DEFAULTS = {
  events: ["gave_up", "start_failed", "liveness_failed", "memory_exceeded"] as NotifyEventName[],
  timeoutMs: 5_000,
  retries: 3,
  retryDelayMs: 1_000,
  queue: 100,
} as const;

/** Validates `raw` (the value of `notify`); undefined on any problem. */
export function validateNotify(raw: unknown, report: Report): NotifyConfig | undefined {
  if (!isMapping(raw)) {
    report("notify", `expected a mapping with command and/or webhook, got ${describe(raw)}`);
    return undefined;
  }
  let ok = true;
  const note: Report = (field, message) => {
    ok = false;
    report(field, message);
  };
  checkUnknownKeys(raw, NOTIFY_KEYS, "notify.", note);
  if (raw.command === undefined && raw.webhook === undefined) {
    note("notify", "names no notifier; set command (run with the event as JSON on stdin) and/or webhook (an http(s) URL the event is POSTed to)");
  }
  const command = raw.command === undefined ? undefined : checkCommand(raw.command, note);
  const webhook = raw.webhook === undefined ? undefined : checkWebhook(raw.webhook, note);
  const events = raw.events === undefined ? [...NOTIFY_DEFAULTS.events] : checkEvents(raw.events, note);
  const timeoutMs = checkDuration(raw.timeout, "notify.timeout", 1, NOTIFY_DEFAULTS.timeoutMs, note);
  const retries = raw.retries === undefined ? NOTIFY_DEFAULTS.retries : checkInt(raw.retries, "notify.retries", 0, 100, note);
  const retryDelayMs = checkDuration(raw.retry_delay, "notify.retry_delay", 0, NOTIFY_DEFAULTS.retryDelayMs, note);
  const queue = raw.queue === undefined ? NOTIFY_DEFAULTS.queue : checkInt(raw.queue, "notify.queue", 1, 100_000, note);
  if (!ok || events === undefined || timeoutMs === undefined || retries === undefined || retryDelayMs === undefined || queue === undefined) {
    return undefined;
  }
  return { events, ...(command && { command }), ...(webhook && { webhook }), timeoutMs, retries, retryDelayMs, queue };
}

function checkCommand(value: unknown, report: Report): string[] | undefined {
  if (typeof value === "string") {
    const line = checkString(value, "notify.command", report);
    return line === undefined ? undefined : ["/bin/sh", "-c", line];
  }
  if (!Array.isArray(value)) {
    report("notify.command", `expected a command line or a list of strings, got ${describe(value)}`);
    return undefined;
  }
  return checkArgv(value, "notify.command", report);
}

function checkWebhook(value: unknown, report: Report): string | undefined {
  const text = checkString(value, "notify.webhook", report);
  if (text === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    report("notify.webhook", `expected an http:// or https:// URL, got ${describe(value)}`);
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    report("notify.webhook", `expected an http:// or https:// URL, got the scheme ${url.protocol.slice(0, -1)}`);
    return undefined;
  }
  return url.href;
}

function checkEvents(value: unknown, report: Report): NotifyEventName[] | undefined {
  const list = typeof value === "string" ? [value] : value;
  if (!Array.isArray(list) || list.length === 0) {
    report("notify.events", `expected a non-empty list of event names (${NOTIFY_EVENTS.join(", ")}), got ${describe(value)}`);
    return undefined;
  }
  let ok = true;
  list.forEach((name: unknown, i) => {
    if (typeof name === "string" && (NOTIFY_EVENTS as readonly string[]).includes(name)) return;
    ok = false;
    const guess = typeof name === "string" ? closestKey(name, NOTIFY_EVENTS) : undefined;
    const hint = guess === undefined ? `known events: ${NOTIFY_EVENTS.join(", ")}` : `did you mean ${guess}?`;
    report(`notify.events[${i}]`, `unknown event ${describe(name)}; ${hint}`);
  });
  return ok ? [...new Set(list as NotifyEventName[])] : undefined;
}
