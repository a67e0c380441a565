/** One delivery attempt of a payload: run the command, or POST to the webhook. The I/O edge of notify. */
import type { NotifyAttempt } from "../api/wire.ts";
import { type NotifyPayload, payloadEnv } from "./payload.ts";

export interface AttemptOptions {
  timeoutMs: number;
  /** Where the command runs (the config's folder). */
  cwd: string;
  /** The environment the command starts from (the daemon's), CANOPY_EVENT_* added on top. */
  baseEnv: Record<string, string | undefined>;
  /** Aborted when the daemon stops: a command still running is killed, a request cancelled. */
  signal?: AbortSignal;
}

/**
 * Runs `argv` with the payload as JSON on stdin and in CANOPY_EVENT_* variables; ok on exit 0.
 * It leads its own process group, so a timeout kills whatever it started too.
 */
export async function runNotifyCommand(argv: string[], payload: NotifyPayload, opts: AttemptOptions): Promise<NotifyAttempt> {
  let proc: ReturnType<typeof Bun.spawn>;
  try {
    proc = Bun.spawn(argv, {
      cwd: opts.cwd,
      env: { ...opts.baseEnv, ...payloadEnv(payload) },
      stdin: new Blob([JSON.stringify(payload)]),
      stdout: "ignore",
      stderr: "ignore",
      detached: true,
    });
  } catch (err) {
    return { notifier: "command", ok: false, error: `could not run ${argv[0]}: ${(err as Error).message}` };
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort = () => {};
  const cut = new Promise<"timeout" | "aborted">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), opts.timeoutMs);
    onAbort = () => resolve("aborted");
    opts.signal?.addEventListener("abort", onAbort);
  });
  const outcome = opts.signal?.aborted ? "aborted" : await Promise.race([proc.exited, cut]);
  clearTimeout(timer);
  opts.signal?.removeEventListener("abort", onAbort);
  if (outcome === "timeout" || outcome === "aborted") {
    killGroup(proc.pid);
    const why = outcome === "timeout" ? `timed out after ${opts.timeoutMs}ms` : "the daemon is stopping";
    return { notifier: "command", ok: false, error: `${why} (killed)` };
  }
  if (outcome === 0) return { notifier: "command", ok: true };
  const how = proc.signalCode ? `killed by ${proc.signalCode}` : `exited ${outcome}`;
  return { notifier: "command", ok: false, error: how };
}

/** POSTs the payload as JSON; ok on a 2xx answer within the timeout (redirects are not followed). */
export async function postNotifyWebhook(url: string, payload: NotifyPayload, opts: AttemptOptions): Promise<NotifyAttempt> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(payload),
      redirect: "manual",
      signal: opts.signal ? AbortSignal.any([AbortSignal.timeout(opts.timeoutMs), opts.signal]) : AbortSignal.timeout(opts.timeoutMs),
    });
    // The body is not read: dropping it closes the connection rather than waiting on a slow sender.
    void res.body?.cancel().catch(() => {});
    return res.ok ? { notifier: "webhook", ok: true } : { notifier: "webhook", ok: false, error: `HTTP ${res.status}` };
  } catch (err) {
    const e = err as Error;
    const why = e.name === "TimeoutError" ? `timed out after ${opts.timeoutMs}ms` : e.message;
    return { notifier: "webhook", ok: false, error: why };
  }
}

/** A webhook URL as daemon.log names it: scheme, host and path, without credentials or query (either may carry a token). */
export function describeWebhook(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return "(webhook)";
  }
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // already gone
  }
}
