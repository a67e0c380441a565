/** One-line human descriptions of a service's state, and why it is in it. */
import type { ServiceView } from "../api/wire.ts";
import type { ServiceConfig } from "../config/index.ts";
import { escapeControls } from "./style.ts";

/** What `explain` may consult besides the view: the clock, and the service's settings as the CLI read them. */
export interface ExplainContext {
  /** Epoch ms; "next restart in N s" is measured from it. */
  now?: number;
  /** The service's config (restart window, dependency conditions), when the CLI has it. */
  config?: ServiceConfig;
}

/** `api: running (pid 123, port 8080)` / `db: crashed (…) — gave up: 5 crashes in 60s; last exit 1`. */
export function describeService(s: ServiceView, ctx: ExplainContext = {}): string {
  const details: string[] = [];
  if (s.pid !== null) details.push(`pid ${s.pid}`);
  if (s.port !== null) details.push(`port ${s.port}`);
  let line = `${s.name}: ${s.status}${details.length ? ` (${details.join(", ")})` : ""}`;
  const why = explain(s, ctx);
  // A start error quotes the command (and a port holder's command line): it may carry escapes.
  if (why) line += ` — ${escapeControls(why)}`;
  return line;
}

/**
 * Why a service is in its state, when that needs saying: what it waits for, what blocks it,
 * how it last ended (`exit 137 SIGKILL — possibly out of memory`), how many crashes the
 * restart window holds, when the next restart comes, or that Canopy gave up.
 */
export function explain(s: ServiceView, ctx: ExplainContext = {}): string | undefined {
  const state = explainState(s, ctx);
  return s.schedule ? join([state, scheduleNote(s.schedule)]) : state;
}

/** `schedule @hourly, next run 2026-05-04 10:00` / `schedule @daily, no next run while stopped`. */
function scheduleNote(schedule: NonNullable<ServiceView["schedule"]>): string {
  const next = schedule.next_run_at
    ? `next run ${formatLocal(schedule.next_run_at)}`
    : schedule.expression === "@reboot" ? "runs when the daemon starts" : "no next run while stopped";
  const skipped = schedule.skipped > 0 ? `${plural(schedule.skipped, "tick", "ticks")} skipped (a run was still going)` : undefined;
  return join([`schedule ${schedule.expression}, ${next}`, skipped]) as string;
}

/** An ISO time as the local wall clock reads it: `2026-05-04 10:05`. */
function formatLocal(iso: string): string {
  const d = new Date(iso);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

function explainState(s: ServiceView, ctx: ExplainContext): string | undefined {
  const now = ctx.now ?? Date.now();
  const window = ctx.config ? ` in ${formatDuration(ctx.config.restartWindowMs)}` : " in the restart window";
  const crashes = s.restarts > 0 ? `${plural(s.restarts, "crash", "crashes")}${window}` : undefined;
  const last = lastEnd(s);
  switch (s.status) {
    case "waiting":
      return waitingFor(s, ctx.config);
    case "blocked":
      return s.start_error?.error_description ?? "a dependency failed";
    case "crashed":
      if (s.start_error) return s.start_error.error_description;
      if (s.restarts > 0) return join([`gave up: ${crashes}`, last && `last ${last}`, "start it again to retry"]);
      return join([last, s.schedule ? "not restarted (scheduled)" : ctx.config ? `restart: ${ctx.config.restart}` : "not restarted"]);
    case "restarting": {
      const at = s.next_restart_at ? Date.parse(s.next_restart_at) : Number.NaN;
      const next = Number.isNaN(at) ? "restarting soon" : `next restart in ${formatSeconds(at - now)}`;
      return join([last, crashes, next]);
    }
    case "running":
    case "starting":
      if (s.start_error) return s.start_error.error_description;
      if (s.restarts > 0 || s.reason) return join([crashes, last && `last ${last}`]);
      return undefined;
    case "completed":
      return last ?? "exited cleanly";
    case "stopped":
      return s.start_error?.error_description;
  }
}

/** How the last run ended: the liveness restart, `exit 137 SIGKILL — possibly out of memory`, `exit 1`. */
function lastEnd(s: ServiceView): string | undefined {
  if (s.reason?.startsWith("restarted:")) return s.reason;
  if (s.exit_signal) {
    const code = s.exit_code ?? signalExitCode(s.exit_signal);
    const text = `exit ${code === undefined ? "" : `${code} `}${s.exit_signal}`;
    return s.exit_signal === "SIGKILL" ? `${text} — possibly out of memory` : text;
  }
  if (s.exit_code !== null) return `exit ${s.exit_code}`;
  return s.reason ?? undefined;
}

/** `waiting for "db" (healthy), "cache"`: the dependencies not yet where the service needs them. */
function waitingFor(s: ServiceView, config: ServiceConfig | undefined): string {
  const names = s.waiting_for ?? [];
  if (names.length === 0) return "waiting for its dependencies";
  const parts = names.map((n) => {
    const condition = config?.dependsOn.find((d) => d.service === n)?.condition;
    return condition === undefined ? `"${n}"` : `"${n}" (${condition})`;
  });
  return `waiting for ${parts.join(", ")}`;
}

/** The shell's code for a death by `signal` (128 + its number). */
function signalExitCode(signal: string): number | undefined {
  const n = (SIGNAL_NUMBERS as Record<string, number>)[signal];
  return n === undefined ? undefined : 128 + n;
}

const SIGNAL_NUMBERS = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGABRT: 6, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15 };

function join(parts: (string | undefined)[]): string | undefined {
  const kept = parts.filter((p): p is string => Boolean(p));
  return kept.length > 0 ? kept.join("; ") : undefined;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** 60000 → "60s", 90000 → "90s", 120000 → "2m", 1500 → "1.5s", 250 → "250ms". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms % 60_000 === 0 && ms >= 120_000) return `${ms / 60_000}m`;
  return `${Number((ms / 1000).toFixed(1))}s`;
}

/** A short wait in seconds, one decimal: "1.6s", "0s" once due. */
function formatSeconds(ms: number): string {
  return `${Math.max(0, Math.round(ms / 100) / 10)}s`;
}
