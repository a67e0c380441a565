// Runs a command with a bounded time, capturing its output and wall time.
import { MARKER } from "./proc.ts";

export type ExecResult = { code: number | null; stdout: string; stderr: string; ms: number; timedOut: boolean };

export type ExecOptions = { env?: Record<string, string | undefined>; cwd?: string; timeoutMs?: number; stdout?: "pipe" | "ignore" };

/** The environment every benchmark child gets: ours plus the run marker (so sweep() finds all descendants). */
export function benchEnv(runId: string, extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { ...process.env, ...extra, [MARKER]: runId };
}

/** Spawns argv, waits (at most timeoutMs, then SIGKILL), and times it from spawn to exit. */
export async function exec(argv: string[], o: ExecOptions = {}): Promise<ExecResult> {
  const timeoutMs = o.timeoutMs ?? 60_000;
  const t0 = performance.now();
  const child = Bun.spawn(argv, {
    env: o.env,
    cwd: o.cwd,
    stdin: "ignore",
    stdout: o.stdout ?? "pipe",
    stderr: "pipe",
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, timeoutMs);
  const [stdout, stderr, code] = await Promise.all([
    child.stdout instanceof ReadableStream ? new Response(child.stdout).text() : Promise.resolve(""),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  const ms = performance.now() - t0;
  clearTimeout(timer);
  return { code, stdout, stderr, ms, timedOut };
}

/** exec() that throws with the command's output when it fails or times out. */
export async function run(argv: string[], o: ExecOptions & { okCodes?: number[] } = {}): Promise<ExecResult> {
  const r = await exec(argv, o);
  const ok = !r.timedOut && r.code !== null && (o.okCodes ?? [0]).includes(r.code);
  if (!ok) {
    const why = r.timedOut ? `timed out after ${o.timeoutMs ?? 60_000} ms` : `exit ${r.code}`;
    throw new Error(`${argv.join(" ")}: ${why}\n${(r.stderr + r.stdout).trim().slice(-1500)}`);
  }
  return r;
}
