// Canopy, the compiled standalone executable (dist/canopy).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { removeSubtree } from "../../tests/helpers/cgroup.ts";
import { type Context, type Service, type ServiceState, Tool } from "./tool.ts";

type StatusJson = {
  daemon: { pid: number; containment?: { mode: string } };
  services: { name: string; status: string; pid: number | null; restarts: number }[];
};

export class Canopy extends Tool {
  readonly name = "canopy" as const;
  readonly statusLabel = "canopy status --json";
  readonly hasRestartDelay = true;
  readonly config: string;
  /** The last config written, and what the last daemon asked said of its containment (cgroups). */
  private configText = "";
  private containment: string | undefined;

  constructor(ctx: Context, readonly bin: string) {
    super(ctx, "canopy");
    this.config = join(this.dir, "canopy.yaml");
    this.env.CANOPY_STATE_DIR = join(this.dir, "state");
    delete this.env.CANOPY_CONFIG;
    this.env.NO_COLOR = "1";
  }

  /** A SIGKILLed daemon leaves its cgroup subtree: removed with the rest (see Containment in the README). */
  override async cleanup(): Promise<void> {
    await super.cleanup();
    await removeSubtree(this.env.CANOPY_STATE_DIR as string);
  }

  async version(): Promise<string> {
    return (await this.checked([this.bin, "--version"])).stdout.trim();
  }

  writeConfig(services: Service[]): void {
    const lines = ["services:"];
    if (services.length === 0) lines[0] = "services: {}";
    for (const s of services) {
      lines.push(`  ${s.name}:`);
      lines.push(`    cmd: ${JSON.stringify(s.argv)}`);
      if (s.port !== undefined) lines.push(`    port: ${s.port}`);
      if (s.restartDelayMs !== undefined) lines.push(`    restart_delay: ${s.restartDelayMs}ms`);
      if (s.autorestart === false) lines.push(`    restart: never`);
      if (s.autostart === false) lines.push(`    autostart: false`);
    }
    this.configText = lines.join("\n") + "\n";
    writeFileSync(this.config, this.configText);
  }

  /** Which of issue 21's features the runs had on: read from the config written and the daemon's own status. */
  features(): string {
    const timestamps = /^\s+timestamps:\s*false/m.test(this.configText) ? "off (logs.timestamps: false)" : "on (the default; the configs set no logs.timestamps)";
    const replicas = /^\s+replicas:/m.test(this.configText) ? "set on some services" : "none (one process per service)";
    const cgroups = this.containment ? `daemon containment ${this.containment}` : "not reported by the daemon (no cgroup containment in this build)";
    return `timestamps ${timestamps}; replicas ${replicas}; cgroups: ${cgroups}`;
  }

  private argv(...a: string[]): string[] {
    return [this.bin, ...a, "-c", this.config];
  }
  upArgv() {
    return this.argv("up", "-d");
  }
  statusArgv() {
    return this.argv("status", "--json");
  }
  versionArgv() {
    return [this.bin, "--version"];
  }
  stopArgv(name: string) {
    return this.argv("stop", name);
  }
  startArgv(name: string) {
    return this.argv("start", name);
  }
  downArgv() {
    return this.argv("down");
  }

  private async statusDoc(): Promise<StatusJson | undefined> {
    const r = await this.cmd(this.statusArgv(), 30_000);
    if (r.code !== 0) return undefined;
    const doc = JSON.parse(r.stdout) as StatusJson;
    if (doc.daemon.containment) this.containment = doc.daemon.containment.mode;
    return doc;
  }
  async daemonPid(): Promise<number | undefined> {
    return (await this.statusDoc())?.daemon.pid;
  }
  async list(): Promise<ServiceState[]> {
    const doc = await this.statusDoc();
    return (doc?.services ?? []).map((s) => ({ name: s.name, pid: s.pid, state: s.status, restarts: s.restarts }));
  }

  stdoutLog(name: string): string {
    return join(this.dir, "state", "logs", `${name}.log`);
  }
}
