/** The daemon's side of the control API: a DaemonControl over one Supervisor and one config. */
import type { DaemonControl } from "../api/control.ts";
import { type LogEntry, type ServiceView, toServiceView, type DaemonInfo } from "../api/wire.ts";
import { type CanopyConfig, type ServiceConfig, toSpawnRequest } from "../config/index.ts";
import type { Supervisor } from "../supervisor.ts";
import { tailLogFiles } from "./log-files.ts";

/** Someone following logs: gets each line, and `end` when the daemon stops. */
export interface LogSubscriber {
  push(entry: LogEntry): void;
  end(): void;
}

/** Everyone following logs right now. */
export type LogHub = Set<LogSubscriber>;

export interface ControlDeps {
  config: CanopyConfig;
  supervisor: Supervisor;
  hub: LogHub;
  logDir: string;
  info: DaemonInfo;
  shutdown: () => Promise<void>;
}

/** Builds the DaemonControl the HTTP handler drives. */
export function createControl(deps: ControlDeps): DaemonControl {
  const { config, supervisor, hub } = deps;
  const byName = new Map(config.services.map((s) => [s.name, s]));
  const view = (svc: ServiceConfig): ServiceView => {
    const state = supervisor.get(svc.name);
    if (state) return toServiceView(state, svc.autostart);
    return toServiceView(
      { short: svc.name, status: "stopped", restartsInWindow: 0, ready: false, cmd: svc.cmd, port: svc.port },
      svc.autostart,
    );
  };
  const withService = async (
    name: string,
    act: (svc: ServiceConfig) => Promise<unknown>,
  ): Promise<ServiceView | undefined> => {
    const svc = byName.get(name);
    if (!svc) return undefined;
    await act(svc);
    return view(svc);
  };
  return {
    info: () => deps.info,
    list: () => config.services.map(view),
    get: (name) => {
      const svc = byName.get(name);
      return svc && view(svc);
    },
    start: (name) => withService(name, (svc) => supervisor.start(toSpawnRequest(svc))),
    stop: (name) => withService(name, (svc) => supervisor.stop(svc.name)),
    restart: (name) =>
      withService(name, async (svc) =>
        supervisor.get(svc.name) ? supervisor.restart(svc.name) : supervisor.start(toSpawnRequest(svc)),
      ),
    logs: (name, tail) => {
      if (!byName.has(name)) return undefined;
      return tailLogFiles(deps.logDir, name, tail).map((text) => ({ service: name, stream: null, text, at: null }));
    },
    subscribe: (services, onEntry, onEnd) => {
      const wanted = services && new Set(services);
      const sub: LogSubscriber = {
        push: (entry) => {
          if (!wanted || wanted.has(entry.service)) onEntry(entry);
        },
        end: onEnd,
      };
      hub.add(sub);
      return () => void hub.delete(sub);
    },
    shutdown: deps.shutdown,
  };
}
