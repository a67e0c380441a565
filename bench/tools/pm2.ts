// PM2 with a private PM2_HOME (never the user's ~/.pm2). The daemon is the "God" process.
import { existsSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { type Context, type Service, type ServiceState, Tool } from "./tool.ts";

type JlistEntry = { name: string; pid: number; pm2_env?: { status?: string; restart_time?: number; unstable_restarts?: number } };

export class Pm2 extends Tool {
  readonly name = "pm2" as const;
  readonly statusLabel = "pm2 jlist";
  readonly hasRestartDelay = true;
  readonly home: string;
  readonly ecosystem: string;

  constructor(ctx: Context, readonly bin: string) {
    super(ctx, "pm2");
    this.home = join(this.dir, "home");
    this.ecosystem = join(this.dir, "ecosystem.json");
    this.env.PM2_HOME = this.home;
    // No banners, no update checks: keep the CLI as quiet as it goes.
    this.env.PM2_DISABLE_VERSION_CHECK = "true";
  }

  /** Read from the installed package (`pm2 --version` would start a God daemon). */
  async version(): Promise<string> {
    const pkg = join(dirname(realpathSync(this.bin)), "..", "package.json");
    return existsSync(pkg) ? `pm2 ${(JSON.parse(readFileSync(pkg, "utf8")) as { version: string }).version}` : "pm2 ?";
  }

  writeConfig(services: Service[]): void {
    const apps = services.map((s) => ({
      name: s.name,
      script: s.argv[0],
      args: s.argv.slice(1),
      interpreter: "none",
      exec_mode: "fork",
      cwd: this.dir,
      autorestart: s.autorestart !== false,
      ...(s.restartDelayMs !== undefined ? { restart_delay: s.restartDelayMs } : {}),
      ...(s.port !== undefined ? { env: { PORT: String(s.port) } } : {}),
      out_file: join(this.dir, "logs", `${s.name}.out.log`),
      error_file: join(this.dir, "logs", `${s.name}.err.log`),
    }));
    writeFileSync(this.ecosystem, JSON.stringify({ apps }, null, 2));
  }

  upArgv() {
    return [this.bin, "start", this.ecosystem];
  }
  statusArgv() {
    return [this.bin, "jlist"];
  }
  versionArgv() {
    return [this.bin, "--version"];
  }
  stopArgv(name: string) {
    return [this.bin, "stop", name];
  }
  /** Starts (or restarts) one app of the ecosystem file, registered or not yet. */
  startArgv(name: string) {
    return [this.bin, "start", this.ecosystem, "--only", name];
  }
  downArgv() {
    return [this.bin, "kill"];
  }
  /** Starts only the God daemon. */
  override async bootEmpty(): Promise<void> {
    await this.checked([this.bin, "ping"]);
    const pid = await this.daemonPid();
    if (pid) this.daemons.add(pid);
  }

  async daemonPid(): Promise<number | undefined> {
    try {
      const pid = Number(readFileSync(join(this.home, "pm2.pid"), "utf8").trim());
      return pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  }
  async list(): Promise<ServiceState[]> {
    const r = await this.cmd(this.statusArgv(), 30_000);
    const text = r.stdout.slice(Math.max(0, r.stdout.indexOf("[")));
    const entries = JSON.parse(text || "[]") as JlistEntry[];
    return entries.map((e) => ({ name: e.name, pid: e.pid || null, state: e.pm2_env?.status ?? "?", restarts: e.pm2_env?.restart_time ?? 0 }));
  }

  stdoutLog(name: string): string {
    return join(this.dir, "logs", `${name}.out.log`);
  }
}
