/** Keeps state.json in step with the running children, so a killed daemon's groups can be found again. */
import type { Supervisor, SupervisorEvent } from "../supervisor.ts";
import { readProcStat } from "../os/proc-info.ts";
import { type DaemonStateFile, type RecordedService, writeStateFile } from "./state-file.ts";

/** The recorded process group of every live child, flushed atomically on each change. */
export class ServiceRecords {
  private readonly services: Record<string, RecordedService> = {};
  private readonly startedAt = new Date().toISOString();

  constructor(
    private readonly stateFile: string,
    private readonly configFile: string,
  ) {}

  /** Records a spawn (pid, group, start time, mark) or forgets an exit. */
  apply(event: SupervisorEvent, supervisor: Supervisor): void {
    if (event.type === "started") {
      const stat = readProcStat(event.pid);
      const mark = supervisor.markOf(event.service);
      this.services[event.service] = {
        pid: event.pid,
        pgid: stat?.pgid ?? event.pid,
        startTime: stat?.startTime ?? "",
        cmd: supervisor.request(event.service)?.cmd ?? [],
        ...(mark === undefined ? {} : { mark }),
      };
      this.flush();
    } else if (event.type === "exited") {
      delete this.services[event.service];
      this.flush();
    }
  }

  flush(): void {
    const data: DaemonStateFile = {
      version: 1,
      daemonPid: process.pid,
      startedAt: this.startedAt,
      configFile: this.configFile,
      services: this.services,
    };
    writeStateFile(this.stateFile, data);
  }

  /** After a clean shutdown nothing is left to reap. */
  clear(): void {
    for (const name of Object.keys(this.services)) delete this.services[name];
    this.flush();
  }
}
