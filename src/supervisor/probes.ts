/** Readiness and liveness checks: TCP connect, HTTP 2xx, a command's exit 0, a log line, sd_notify. */
import { defaultPortListening } from "./port-probe.ts";
import type { ProbeCheck } from "./types.ts";

/** What a check may consult besides the network: the service's context and what it has said. */
export interface ProbeContext {
  cwd?: string;
  env?: Record<string, string>;
  timeoutMs: number;
  /** True once a line of the service's output matched the `log` pattern. */
  logMatched: () => boolean;
  /** True once the service sent READY=1 on its NOTIFY_SOCKET. */
  notified: () => boolean;
  portListening: (port: number) => Promise<boolean>;
}

export interface ProbeResult {
  ok: boolean;
  /** Why it failed, in a few words (`HTTP 503`, `exit code 1`, `connection refused`). */
  detail: string;
}

export type ProbeFn = (check: ProbeCheck, ctx: ProbeContext) => Promise<ProbeResult>;

/** Runs one check once. Never rejects. */
export async function runProbe(check: ProbeCheck, ctx: ProbeContext): Promise<ProbeResult> {
  switch (check.kind) {
    case "tcp":
      return (await ctx.portListening(check.port))
        ? { ok: true, detail: "accepting" }
        : { ok: false, detail: `nothing accepts connections on port ${check.port}` };
    case "http":
      return httpProbe(check.url, ctx.timeoutMs);
    case "exec":
      return execProbe(check.cmd, ctx);
    case "log":
      return ctx.logMatched() ? { ok: true, detail: "matched" } : { ok: false, detail: `no output line matched /${check.pattern}/ yet` };
    case "notify":
      return ctx.notified() ? { ok: true, detail: "READY=1" } : { ok: false, detail: "no READY=1 on NOTIFY_SOCKET yet" };
  }
}

async function httpProbe(url: string, timeoutMs: number): Promise<ProbeResult> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: "manual" });
    void res.body?.cancel();
    return res.status >= 200 && res.status < 300 ? { ok: true, detail: `HTTP ${res.status}` } : { ok: false, detail: `HTTP ${res.status} from ${url}` };
  } catch (err) {
    return { ok: false, detail: `${url}: ${(err as Error).name === "TimeoutError" ? `no answer within ${timeoutMs}ms` : (err as Error).message}` };
  }
}

async function execProbe(cmd: string[], ctx: ProbeContext): Promise<ProbeResult> {
  let proc: ReturnType<typeof Bun.spawn>;
  try {
    proc = Bun.spawn(cmd, { cwd: ctx.cwd, env: ctx.env, stdin: "ignore", stdout: "ignore", stderr: "ignore", detached: true });
  } catch (err) {
    return { ok: false, detail: `could not run ${cmd[0]}: ${(err as Error).message}` };
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-proc.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }, ctx.timeoutMs);
  const code = await proc.exited;
  clearTimeout(timer);
  if (code === 0) return { ok: true, detail: "exit code 0" };
  return { ok: false, detail: proc.signalCode ? `${cmd[0]} timed out after ${ctx.timeoutMs}ms` : `${cmd[0]} exited with code ${code}` };
}

/** The default ProbeFn, with the real TCP probe. */
export const defaultProbe: ProbeFn = (check, ctx) => runProbe(check, ctx);

export { defaultPortListening };
