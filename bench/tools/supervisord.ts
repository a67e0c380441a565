// supervisord with a private config (own socket, pidfile, logs) — never the system's instance.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import type { ExecResult } from "../lib/exec.ts";
import { join } from "node:path";
import { type Context, type Service, type ServiceState, shQuote, Tool } from "./tool.ts";

export class Supervisord extends Tool {
  readonly name = "supervisord" as const;
  readonly statusLabel = "supervisorctl status";
  /** supervisord restarts an exited RUNNING process at once; it has no restart-delay setting. */
  readonly hasRestartDelay = false;
  readonly conf: string;

  constructor(ctx: Context, readonly daemonBin: string, readonly ctlBin: string) {
    super(ctx, "supervisord");
    this.conf = join(this.dir, "supervisord.conf");
  }

  async version(): Promise<string> {
    return `supervisord ${(await this.checked([this.daemonBin, "--version"])).stdout.trim()}`;
  }

  writeConfig(services: Service[]): void {
    const d = this.dir;
    const lines = [
      "[unix_http_server]",
      `file=${join(d, "supervisor.sock")}`,
      "chmod=0700",
      "",
      "[supervisord]",
      `logfile=${join(d, "supervisord.log")}`,
      `pidfile=${join(d, "supervisord.pid")}`,
      `childlogdir=${join(d, "logs")}`,
      `directory=${d}`,
      "nodaemon=false",
      "minfds=8192",
      "minprocs=2048",
      "",
      "[rpcinterface:supervisor]",
      "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
      "",
      "[supervisorctl]",
      `serverurl=unix://${join(d, "supervisor.sock")}`,
      "",
    ];
    for (const s of services) {
      lines.push(`[program:${s.name}]`);
      lines.push(`command=${s.argv.map(shQuote).join(" ")}`);
      lines.push(`directory=${d}`);
      if (s.port !== undefined) lines.push(`environment=PORT="${s.port}"`);
      if (s.autorestart === false) lines.push("autorestart=false", "startsecs=0");
      if (s.autostart === false) lines.push("autostart=false");
      lines.push(`stdout_logfile=${join(d, "logs", `${s.name}.out.log`)}`);
      lines.push(`stderr_logfile=${join(d, "logs", `${s.name}.err.log`)}`);
      lines.push("");
    }
    writeFileSync(this.conf, lines.join("\n"));
  }

  override reset(): void {
    super.reset();
    mkdirSync(join(this.dir, "logs"), { recursive: true });
  }

  /** supervisord's foreground process exits once it has forked; wait (bounded) for the daemon's pidfile too. */
  override async up(): Promise<ExecResult> {
    const r = await super.up();
    const deadline = performance.now() + 10_000;
    while ((await this.daemonPid()) === undefined && performance.now() < deadline) await Bun.sleep(5);
    const pid = await this.daemonPid();
    if (pid === undefined) throw new Error("supervisord wrote no pidfile within 10 s");
    this.daemons.add(pid);
    return r;
  }

  upArgv() {
    return [this.daemonBin, "-c", this.conf];
  }
  private ctl(...a: string[]) {
    return [this.ctlBin, "-c", this.conf, ...a];
  }
  statusArgv() {
    return this.ctl("status");
  }
  versionArgv() {
    return this.ctl("version");
  }
  stopArgv(name: string) {
    return this.ctl("stop", name);
  }
  startArgv(name: string) {
    return this.ctl("start", name);
  }
  downArgv() {
    return this.ctl("shutdown");
  }

  async daemonPid(): Promise<number | undefined> {
    try {
      const pid = Number(readFileSync(join(this.dir, "supervisord.pid"), "utf8").trim());
      return pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  /** `supervisorctl status` lines: "name  STATE  pid 123, uptime 0:00:01". Exit code 3 just means "not all RUNNING". */
  async list(): Promise<ServiceState[]> {
    const r = await this.cmd(this.statusArgv(), 30_000);
    return r.stdout
      .split("\n")
      .filter((l) => l.trim())
      .map((l) => {
        const [name = "", state = "?"] = l.trim().split(/\s+/);
        const pid = /pid (\d+)/.exec(l);
        return { name, pid: pid ? Number(pid[1]) : null, state, restarts: 0 };
      });
  }

  stdoutLog(name: string): string {
    return join(this.dir, "logs", `${name}.out.log`);
  }
}
