/** One running daemon: a Supervisor for one config, its state on disk and its control socket. */
import { chmodSync, rmSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, join } from "node:path";
import { createHandler } from "../api/handler.ts";
import { SERVER_MAX_REQUEST_BODY_SIZE } from "../api/request-body.ts";
import type { EventEntry } from "../api/wire.ts";
import type { CanopyConfig, ServiceConfig } from "../config/index.ts";
import { serviceOf } from "../config/replicas.ts";
import { Orchestrator } from "../orchestration/orchestrator.ts";
import { realClock, type ScheduleClock, Scheduler } from "../orchestration/scheduler.ts";
import { CanopyError } from "../errors.ts";
import { Supervisor, type SupervisorEvent } from "../supervisor.ts";
import type { DaemonPaths } from "./paths.ts";
import { ensurePrivateDir } from "./paths.ts";
import { removeIfPresent } from "../os/quiet-fs.ts";
import { acquireLock, type HeldLock } from "./lock.ts";
import { LogFiles } from "./log-files.ts";
import { readStateFile } from "./state-file.ts";
import { reapRecordedGroups } from "./reap.ts";
import { ServiceRecords } from "./records.ts";
import { DAEMON_VAR, newDaemonToken, readDaemonToken, reapByDaemonToken, writeDaemonToken } from "./daemon-token.ts";
import { checkPortFree } from "./port-check.ts";
import { Broadcast } from "./broadcast.ts";
import { type LogItem, LogRun } from "./log-run.ts";
import { createControl } from "./control.ts";
import { toEventEntry } from "./event-entry.ts";
import { reloadConfig } from "./reload.ts";
import { MemoryWatch, residentMemory } from "./memory-watch.ts";
import { type DaemonContainment, reapLeftoverCgroups, setupContainment } from "./containment.ts";
import { KernelUsage } from "./kernel-usage.ts";
import { groupTotals, ResourceSampler } from "./resources.ts";
import { ServiceCounters } from "../metrics/service-counters.ts";
import { Notifier } from "../notify/notifier.ts";
import { secretsOf } from "../notify/payload.ts";
import { handOver, type StateWatch, watchStateDir } from "./state-watch.ts";
import { startTcpListener, type TcpListener } from "./tcp-listener.ts";

/** Events kept for `canopy events` without -f. */
const EVENTS_KEPT = 1_000;

export interface DaemonOptions {
  config: CanopyConfig;
  paths: DaemonPaths;
  /** Every output line, `[name] text\n` (the foreground `up` prints them; a background daemon drops them). */
  output?: (line: string) => void;
  /** The daemon's own messages. */
  log: (message: string) => void;
  version: string;
  /** The clock `schedule:` services run by (a test seam); the real one by default. */
  scheduleClock?: ScheduleClock;
}

export interface RunningDaemon {
  /** Resolves once the daemon has shut down and released everything. */
  done: Promise<void>;
  /** Stops every service, closes the socket, releases the lock. Idempotent. */
  shutdown(): Promise<void>;
  /** Re-reads the config and applies the difference (SIGHUP); logs a refusal. */
  reload(): Promise<void>;
  supervisor: Supervisor;
}

/**
 * Takes the config's lock, reaps what a killed predecessor left running, opens the
 * control socket (0600 in a 0700 directory) and starts the autostart services.
 * Throws CanopyError("daemon_running") when another daemon holds the lock.
 */
export async function startDaemon(opts: DaemonOptions): Promise<RunningDaemon> {
  const { config, paths, log } = opts;
  ensurePrivateDir(paths.stateDir);
  ensurePrivateDir(dirname(paths.socketPath));
  // Made now, not at a service's first line: the state watch takes a missing logs/ for a deleted one.
  ensurePrivateDir(paths.logDir);
  const taken = acquireLock(paths.lockPath);
  if ("heldBy" in taken) {
    throw new CanopyError("daemon_running", `a daemon (pid ${taken.heldBy}) already runs for ${config.file}`, {
      pid: taken.heldBy,
    });
  }
  // Re-taken by the state watch if the state directory is deleted under us.
  let lock: HeldLock = taken;
  let stateWatch: StateWatch | undefined;
  let tcp: TcpListener | undefined;
  // Another daemon took this config over (see state-watch.ts): the services we ran, to hand
  // over to it once stopped; its files are left alone.
  let displaced: string[] | undefined;
  let contained: DaemonContainment | undefined;
  /** A state or log file write failed (its directory deleted?): restore the state directory, then retry once. */
  const onDisk = (what: string, write: () => void) => {
    try {
      write();
    } catch (err) {
      if (!stateWatch || stateWatch.repair(`${what}: ${(err as Error).message}`).length === 0) throw err;
      write();
    }
  };
  try {
    // Before any spawn: the daemon moves into its own leaf, and its services' cgroups go beside it.
    contained = setupContainment(paths.stateDir, process.env);
    log(`containment: ${contained.view.mode} (${contained.view.reason})`);
    const previous = readStateFile(paths.stateFile);
    if (previous) {
      const reaped = await reapRecordedGroups(previous, { killTimeoutMs: longestStopTimeout(config), log });
      if (reaped.length > 0) log(`reaped leftovers of a previous daemon: ${reaped.join(", ")}`);
    }
    // What a killed predecessor spawned but had not recorded yet (see daemon-token.ts); then ours, before any spawn.
    const tokenFile = join(paths.stateDir, "daemon.token");
    const previousToken = readDaemonToken(tokenFile);
    if (previousToken) await reapByDaemonToken(previousToken, { timeoutMs: longestStopTimeout(config), log });
    // What a killed predecessor left in its cgroups, wherever it went (setsid, `env -i`): found by the cgroup, not by records.
    const leftovers = await reapLeftoverCgroups(contained, longestStopTimeout(config), log);
    if (leftovers.length > 0) log(`reaped leftover cgroups of a previous daemon: ${leftovers.join(", ")}`);
    const daemonToken = newDaemonToken();
    writeDaemonToken(tokenFile, daemonToken);
    const records = new ServiceRecords(paths.stateFile, config.file, (write) =>
      setImmediate(() => {
        // A displaced daemon's state.json is its rival's now.
        if (displaced) return;
        try {
          onDisk("writing state.json", write);
        } catch (err) {
          log(`could not write ${paths.stateFile}: ${(err as Error).message}; trying again at the next change`);
        }
      }),
    );
    records.flush();
    let current = config;
    const logFiles = new LogFiles({ dir: paths.logDir, ...config.logs, timestamps: config.logs.timestamps !== false, batch: true });
    const logs = new Broadcast<LogItem>();
    const events = new Broadcast<EventEntry>(EVENTS_KEPT);
    const notice = (service: string, message: string) =>
      logs.publish({ service, stream: "canopy", text: message, at: new Date().toISOString() });
    const childBase = { ...process.env, [DAEMON_VAR]: daemonToken };
    const counters = new ServiceCounters();
    const info = {
      pid: process.pid,
      version: opts.version,
      started_at: new Date().toISOString(),
      config_file: config.file,
      containment: contained.view,
    };
    const notifier = new Notifier({
      config: () => current.notify,
      cwd: () => current.dir,
      daemon: { pid: info.pid, config_file: info.config_file, hostname: hostname() },
      secrets: (name) => secretsOf(current.services.find((s) => s.name === serviceOf(name))?.env ?? {}),
      log,
    });
    const supervisor = new Supervisor({
      output: opts.output ?? null,
      onOutput: (run) => {
        onDisk("writing a log file", () => logFiles.write(run.service, run.bytes, run));
        const lines = counters.lines(run.service, run.stream, run.bytes);
        // Published whole, and only when someone follows: lines are cut out and decoded for a follower with room.
        if (logs.followed) logs.publish(new LogRun(run.service, run.stream, run.bytes, lines, new Date(run.at).toISOString()));
      },
      onNotice: notice,
      onEvent: (event: SupervisorEvent) => {
        if (!displaced) records.apply(event, supervisor);
        const entry = toEventEntry(event, supervisor);
        events.publish(entry);
        // The crashes the restart budget counted, as status's `restarts` counts them (but never reset).
        if (event.type === "restarting" || event.type === "gave_up") counters.restarted(event.service);
        // Only queues: delivery runs on its own, never in the way of the next transition.
        notifier.onEvent(event, entry);
        scheduler.onEvent(event);
        orchestrator.onEvent(event);
      },
      preflight: (req) => checkPortFree(req),
      outputFifoDir: paths.outputDir,
      // Made once: nothing changes the daemon's environment after start, and each spawn copies it anyway.
      baseEnv: () => childBase,
      ...(contained.containment ? { containment: contained.containment } : {}),
    });
    const orchestrator = new Orchestrator(supervisor, config, (service, message) => {
      notice(service, message);
      opts.output?.(`[${service}] ${message}\n`);
    });
    const memoryWatch = new MemoryWatch({
      services: () => orchestrator.instances(),
      pidOf: (name) => supervisor.get(name)?.pid,
      memoryOf: (limited) => residentMemory(limited, contained?.subtree, groupTotals),
      restart: (name, pid, cause) => supervisor.restartAsCrash(name, pid, cause, "max_memory"),
    });

    const scheduler = new Scheduler({
      clock: opts.scheduleClock ?? realClock,
      isWanted: (name) => orchestrator.isWanted(name),
      isRunning: (name) => supervisor.get(name)?.pid !== undefined,
      run: (name) => orchestrator.start(name),
      onSkip: (service, detail) => {
        events.publish({ type: "skipped", service, at: new Date().toISOString(), reason: `skipped ${detail}` });
        notice(service, `skipped ${detail}`);
      },
    });

    let shuttingDown: Promise<void> | undefined;
    let finish!: () => void;
    const done = new Promise<void>((r) => {
      finish = r;
    });
    // Services first, then the socket: the request that asked for the shutdown still
    // gets its answer, because the server closes only after responses in flight are out.
    const shutdown = (): Promise<void> => {
      shuttingDown ??= (async () => {
        log("stopping every service");
        scheduler.stop();
        stateWatch?.stop();
        memoryWatch.stop();
        await orchestrator.stopAll();
        // Every service is stopped and its cgroup removed: nothing of ours is left under the subtree.
        if (contained?.subtree && !displaced && !contained.subtree.teardown()) log(`could not remove the cgroup ${contained.subtree.root}; the next daemon will`);
        notifier.abandon();
        if (!displaced) records.clear();
        logs.endAll();
        events.endAll();
        setTimeout(async () => {
          await tcp?.stop(true);
          // Bun unlinks the socket path when a server stops: a displaced daemon's path is its rival's socket.
          if (!displaced) {
            await Promise.race([server.stop(), Bun.sleep(2_000)]);
            void server.stop(true);
            rmSync(paths.socketPath, { force: true });
          }
          if (displaced) await handOver(paths.socketPath, displaced, log);
          logFiles.close();
          lock.release();
          finish();
        }, 0);
      })();
      return shuttingDown;
    };
    const reload = (dryRun: boolean) =>
      reloadConfig(
        {
          current: () => current,
          adopt: (next) => {
            current = next;
            orchestrator.setConfig(next);
            scheduler.sync(next.services);
            memoryWatch.update();
          },
          orchestrator,
          log,
        },
        dryRun,
      );

    const control = createControl({
      config: () => current,
      supervisor,
      orchestrator,
      logs,
      events,
      resources: new ResourceSampler(),
      ...(contained.subtree ? { kernelUsage: new KernelUsage(contained.subtree) } : {}),
      logDir: paths.logDir,
      info,
      reload,
      shutdown,
      counters,
      notifier,
      scheduler,
    });
    const handler = createHandler(control);
    let server = serveSocket(paths.socketPath, handler);
    log(`listening on ${paths.socketPath}`);
    if (config.control) {
      tcp = startTcpListener(config.control, handler);
      log(`listening on ${config.control.listen.host}:${tcp.port} (TCP, bearer token required)`);
    }
    stateWatch = watchStateDir({
      paths,
      log,
      relock: () => {
        lock.release();
        const again = acquireLock(paths.lockPath);
        if ("heldBy" in again) return again.heldBy;
        lock = again;
        return undefined;
      },
      onLost: () => {
        displaced = supervisor.list().flatMap((s) => (s.pid === undefined ? [] : [s.short]));
        void shutdown();
      },
      reopenLogs: () => logFiles.close(),
      rewriteState: () => {
        records.flush();
        writeDaemonToken(tokenFile, daemonToken);
      },
      rebindSocket: () => {
        // Stopping the old server unlinks whatever is at the path (Bun does), so it goes first;
        // requests already in flight on it (follow streams) carry on.
        void server.stop();
        server = serveSocket(paths.socketPath, handler);
      },
    });

    memoryWatch.update();
    orchestrator.startAutostart();
    scheduler.sync(config.services);
    scheduler.boot();
    return {
      done,
      shutdown,
      supervisor,
      reload: async () => {
        try {
          await reload(false);
        } catch (err) {
          log(`reload refused, nothing changed: ${(err as Error).message}`);
        }
      },
    };
  } catch (err) {
    contained?.subtree?.teardown();
    stateWatch?.stop();
    void tcp?.stop(true);
    lock.release();
    throw err;
  }
}

/**
 * Bun 1.4.5 ignores `srv.timeout(req, 0)` on a unix socket: without this, a follow stream with
 * nothing to send for 10 s is reset (ECONNRESET in `events -f`). Its types leave `idleTimeout`
 * out of the unix-socket options, though Bun honours it there: hence the untyped spread.
 */
const NO_IDLE_TIMEOUT: object = { idleTimeout: 0 };

/** Serves the handler on a unix socket that only this user can open. */
function serveSocket(socketPath: string, fetch: (req: Request) => Promise<Response>) {
  // We hold the lock, so a socket file here is a dead daemon's.
  removeIfPresent(socketPath);
  // The socket must never exist with looser permissions, not even for a moment.
  const previousUmask = process.umask(0o177);
  try {
    const server = Bun.serve({
      unix: socketPath,
      maxRequestBodySize: SERVER_MAX_REQUEST_BODY_SIZE,
      ...NO_IDLE_TIMEOUT,
      fetch: (req, srv) => {
        // `logs -f` of a quiet service may send nothing for minutes.
        srv.timeout(req, 0);
        return fetch(req);
      },
    });
    chmodSync(socketPath, 0o600);
    return server;
  } finally {
    process.umask(previousUmask);
  }
}

function longestStopTimeout(config: CanopyConfig): number {
  return Math.max(5_000, ...config.services.map((s: ServiceConfig) => s.stopTimeoutMs));
}
