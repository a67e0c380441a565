/** What the control API needs from a running daemon; the handler depends on nothing else. */
import type {
  DaemonInfo, EventEntry, GroupReloadResult, LogEntry, NotifyTestResult, ReloadResult, RollingView, ScaleView, ServiceReloadResult, ServiceResult, ServiceView,
} from "./wire.ts";
import type { Batch } from "./follow.ts";

/** Lines of one service published together (a run of its output), expanded only for a follower with room. */
export type LogBatch = Batch<LogEntry> & { readonly service: string };

export interface DaemonControl {
  info(): DaemonInfo;
  /**
   * Every service. `usage` false leaves out cpu_percent and memory_bytes, and with them the
   * scan of /proc they take: for callers that only poll statuses.
   */
  list(usage?: boolean): ServiceView[];
  /** A name is a service or one replica (`web.2`); a service with replicas answers a GroupView of them all. */
  get(name: string, usage?: boolean): ServiceResult | undefined;
  /** Resolve undefined for an unknown service. */
  start(name: string): Promise<ServiceResult | undefined>;
  stop(name: string): Promise<ServiceResult | undefined>;
  restart(name: string): Promise<ServiceResult | undefined>;
  /** Restarts the replicas one at a time, each once the one before is ready again. */
  restartRolling(name: string): Promise<RollingView | undefined>;
  /** Runs `count` copies of the service from now on; undefined for an unknown service (or a replica's name). */
  scale(name: string, count: number): Promise<ScaleView | undefined>;
  /** Sends `signal` to the service's process group; throws CanopyError("not_running") when none runs. */
  signal(name: string, signal: NodeJS.Signals): Promise<ServiceResult | undefined>;
  /** Sends a running service its `reload_signal` (same pid); restarts one without (or not running). */
  reloadService(name: string): Promise<ServiceReloadResult | GroupReloadResult | undefined>;
  /** The last `tail` lines of a service; undefined for an unknown service. */
  logs(name: string, tail: number): LogEntry[] | undefined;
  /** Calls `onEntry` for each new line or run of lines of the named services (all when undefined), `onEnd` when the daemon stops. */
  subscribe(services: string[] | undefined, onEntry: (entry: LogEntry | LogBatch) => void, onEnd: () => void): () => void;
  /** Runs an action on every service, in dependency order (stop: dependents first). */
  all(action: "start" | "stop" | "restart"): Promise<ServiceView[]>;
  /** The last `tail` events, oldest first. */
  events(tail: number): EventEntry[];
  subscribeEvents(onEntry: (entry: EventEntry) => void, onEnd: () => void): () => void;
  /** Re-reads the config and applies the difference (or only plans it). Throws CanopyError on a bad config. */
  reload(dryRun: boolean): Promise<ReloadResult>;
  /** `n` lines of `service` a follower did not get because it read too slowly (counted for the metrics). */
  droppedLines(service: string, n: number): void;
  /** The Prometheus text of `GET /metrics`, sampled now. */
  metrics(): string;
  /** Sends a sample event through every configured notifier, once each, and says how each went. */
  notifyTest(): Promise<NotifyTestResult>;
  /** Stops every service, then the daemon. Resolves once the services are stopped. */
  shutdown(): Promise<void>;
}
