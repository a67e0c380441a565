/** Keeps state.json in step with the running children, so a killed daemon's groups can be found again. */
import type { Supervisor, SupervisorEvent } from "../supervisor.ts";
import { readProcStat } from "../os/proc-info.ts";
import { type DaemonStateFile, type RecordedService, writeStateFile } from "./state-file.ts";

/**
 * The recorded process group of every live child, written atomically (and fsynced) once per
 * tick of changes: a fleet of 100 starting together costs one write, not 100. A child spawned
 * in the moment before its write is still found after a kill -9 by the daemon token in its
 * environment (see daemon-token.ts).
 */
export class ServiceRecords {
  private readonly services: Record<string, RecordedService> = {};
  private readonly startedAt = new Date().toISOString();
  private scheduled = false;

  /** `later` runs the write after the current tick's events (the daemon routes its errors). */
  constructor(
    private readonly stateFile: string,
    private readonly configFile: string,
    private readonly later: (write: () => void) => void = (write) => setImmediate(write),
  ) {}

  /** Records a spawn (pid, group, start time, mark) or forgets an exit; written with the tick's other changes. */
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
      this.flushSoon();
    } else if (event.type === "exited") {
      delete this.services[event.service];
      this.flushSoon();
    }
  }

  private flushSoon(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.later(() => {
      if (this.scheduled) this.flush();
    });
  }

  /** Writes the records now (a pending write is then not needed). */
  flush(): void {
    this.scheduled = false;
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
