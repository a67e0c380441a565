// The one interface every supervisor adapter implements, and what they share.
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { benchEnv, type ExecResult, exec, run } from "../lib/exec.ts";
import { alive, sweep } from "../lib/proc.ts";

export type ToolName = "canopy" | "pm2" | "supervisord";

/** One supervised program, described the same way for every tool. */
export type Service = {
  name: string;
  /** argv, exec'd directly (a shell only if argv starts with sh). */
  argv: string[];
  /** Sets PORT for the child (and Canopy's readiness gate). */
  port?: number;
  /** undefined: the tool's default; a number: the smallest/explicit delay the tool supports. */
  restartDelayMs?: number;
  /** false: run once (a batch job such as the log writer). Default true. */
  autorestart?: boolean;
  /** false: `up` leaves it stopped until start(name). Default true. */
  autostart?: boolean;
};

export type ServiceState = { name: string; pid: number | null; state: string; restarts: number };

export type Context = { runId: string; root: string; env: Record<string, string | undefined> };

export abstract class Tool {
  abstract readonly name: ToolName;
  /** The tool's own name for its status command, for the table. */
  abstract readonly statusLabel: string;
  /** Whether the tool has a restart delay setting that can be set to 0 explicitly. */
  abstract readonly hasRestartDelay: boolean;
  readonly dir: string;
  readonly env: Record<string, string | undefined>;
  /** The MARKER value of every process this tool starts. */
  readonly marker: string;
  /** Every daemon pid this adapter has seen (killed in cleanup). */
  protected daemons = new Set<number>();

  constructor(protected ctx: Context, sub: string, extraEnv: Record<string, string | undefined> = {}) {
    this.dir = join(ctx.root, sub);
    mkdirSync(this.dir, { recursive: true });
    this.marker = `${ctx.runId}:${sub}`;
    this.env = benchEnv(this.marker, { ...extraEnv });
  }

  abstract version(): Promise<string>;
  /** Writes the tool's config for exactly these services (replacing the previous one). */
  abstract writeConfig(services: Service[]): void;
  /** The start command, from no daemon: starts the daemon and every autostart service. */
  abstract upArgv(): string[];
  abstract statusArgv(): string[];
  abstract versionArgv(): string[];
  abstract stopArgv(name: string): string[];
  abstract startArgv(name: string): string[];
  abstract downArgv(): string[];
  /** The daemon's pid, or undefined when none runs. */
  abstract daemonPid(): Promise<number | undefined>;
  /** The file the tool is currently writing a service's stdout to. */
  abstract stdoutLog(name: string): string;
  /** Parsed service list from the status command. */
  abstract list(): Promise<ServiceState[]>;
  /** Starts the daemon with nothing (or only non-autostart services) running. */
  async bootEmpty(): Promise<void> {
    await this.up();
  }

  /** A fresh working directory for this tool (old state removed). */
  reset(): void {
    rmSync(this.dir, { recursive: true, force: true });
    mkdirSync(this.dir, { recursive: true });
  }

  cmd(argv: string[], timeoutMs = 120_000): Promise<ExecResult> {
    return exec(argv, { env: this.env, cwd: this.dir, timeoutMs });
  }
  checked(argv: string[], timeoutMs = 120_000, okCodes = [0]): Promise<ExecResult> {
    return run(argv, { env: this.env, cwd: this.dir, timeoutMs, okCodes });
  }

  async up(): Promise<ExecResult> {
    const r = await this.checked(this.upArgv(), 180_000);
    const pid = await this.daemonPid();
    if (pid) this.daemons.add(pid);
    return r;
  }
  status(): Promise<ExecResult> {
    return this.cmd(this.statusArgv(), 30_000);
  }
  stop(name: string): Promise<ExecResult> {
    return this.checked(this.stopArgv(name), 60_000);
  }
  start(name: string): Promise<ExecResult> {
    return this.checked(this.startArgv(name), 60_000);
  }

  /** Stops everything and waits (bounded) until the daemon process is gone; ms from the command to that. */
  async down(timeoutMs = 120_000): Promise<number> {
    const pid = await this.daemonPid();
    const t0 = performance.now();
    const r = await this.cmd(this.downArgv(), timeoutMs);
    if (r.code !== 0 && pid !== undefined && alive(pid)) throw new Error(`${this.name} down failed: ${(r.stderr + r.stdout).trim().slice(-800)}`);
    const deadline = t0 + timeoutMs;
    while (pid !== undefined && alive(pid) && performance.now() < deadline) await Bun.sleep(2);
    return performance.now() - t0;
  }

  /** Kills the daemon and every process this adapter started (found by its marker). */
  async cleanup(): Promise<void> {
    try {
      const pid = await this.daemonPid();
      if (pid) this.daemons.add(pid);
    } catch {}
    for (const pid of this.daemons) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {}
    }
    this.daemons.clear();
    await sweep(this.marker);
  }
}

/** POSIX shell quoting of one word. */
export function shQuote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}
