/**
 * The Supervisor: starts services as process-group leaders, restarts them when they crash
 * (within a sliding-window budget), stops whole groups (SIGTERM, then SIGKILL at the
 * deadline), taps their output into `[name] `-prefixed lines and a bounded ring buffer,
 * and gates "running" on the service's port when it has one.
 *
 * Seams (`spawnFn`, `killFn`, `sleep`, `now`, `portListening`, `which`, `groupAlive`, …; see
 * supervisor/settings.ts) keep the decisions testable; without an injected `spawnFn` every
 * seam is the real one.
 */
import type { OutputPorts } from "./supervisor/output-feed.ts";
import { tapFeed, tapOutput } from "./supervisor/output-tap.ts";
import { forEachLine } from "./supervisor/line-splitter.ts";
import { type CrashDecision, decideAfterCrash } from "./supervisor/crash-decision.ts";
import { type Effect, type ExitFacts, type ForcedBy, type LifeEvent, transition } from "./supervisor/lifecycle.ts";
import { ChildHealth } from "./supervisor/health.ts";
import { defaultPortListening } from "./supervisor/port-probe.ts";
import { afterThisTurn, continueAfter, MarkedSweep, markOf, newMarkToken } from "./supervisor/escape.ts";
import { resolveSettings, type Settings, type SupervisorOptions } from "./supervisor/settings.ts";
import { reapOrphansIfInit } from "./os/orphan-reaper.ts";
import { notifySupported } from "./os/notify-socket.ts";
import { readProcStat } from "./os/proc-info.ts";
import { type Child, type Entry, newEntry, portOf, signalName, snapshot } from "./supervisor/entry.ts";
import { childEnv } from "./supervisor/spawn.ts";
import { OutputLine } from "./supervisor/output-line.ts";
import { type NotifyWatch, openNotifyWatch } from "./supervisor/notify-watch.ts";
import { terminateGroup, waitGroupGone } from "./supervisor/terminate.ts";
import type {
  ProbeSpec,
  ServiceState,
  SpawnRequest,
  StartError,
  SupervisedProc,
  SupervisorEvent,
} from "./supervisor/types.ts";

/**
 * Why a `ready: {notify}` service cannot start: bun:ffi would not load. A daemon started by
 * `up -d` or a unit has the JIT switch bun:ffi needs only when its config had a notify
 * service then (see daemon/runtime-env.ts).
 */
const NOTIFY_UNSUPPORTED =
  "sd_notify readiness needs bun:ffi, which this daemon cannot load: either it was started without the JIT switch " +
  "(its config had no notify service then; restart it: canopy down && canopy up -d) or this platform has no glibc";

export { defaultKillGroup } from "./supervisor/process-group.ts";
export type { SupervisorOptions } from "./supervisor/settings.ts";
export type {
  KillFn,
  LogLine,
  OutputRun,
  ServiceState,
  ServiceStatus,
  SpawnIo,
  SpawnRequest,
  StartError,
  SupervisedProc,
  SupervisorEvent,
} from "./supervisor/types.ts";

export class Supervisor {
  private readonly entries = new Map<string, Entry>();
  private readonly s: Settings;
  private readonly markToken = newMarkToken();
  private spawnCount = 0;
  private launchCount = 0;

  constructor(opts: SupervisorOptions = {}) {
    this.s = resolveSettings(opts);
    // As PID 1, orphans reparented to us would stay zombies: Bun reaps only its own children.
    if (opts.spawnFn === undefined) {
      reapOrphansIfInit((pid) => [...this.entries.values()].some((en) => en.child?.pid === pid));
    }
  }

  /**
   * Starts a service and resolves once it is `running` (past the readiness gate) or has
   * failed to start. Idempotent while it runs; joins a start already under way. A fresh
   * start of a stopped or crashed service clears its restart budget, start error and logs.
   */
  async start(req: SpawnRequest): Promise<ServiceState> {
    if (req.cmd.length === 0) throw new Error(`service "${req.short}": cmd is empty`);
    let e = this.entries.get(req.short);
    if (!e) {
      e = newEntry(req, this.s.logBufferBytes);
      this.entries.set(req.short, e);
    }
    if (this.dispatch(e, { type: "start_requested", req }).some((f) => f.kind === "await_stop")) {
      // A stop is under way: let it finish, then ask again (joining whatever started meanwhile).
      await e.child?.handled;
      this.dispatch(e, { type: "start_requested", req });
    }
    return e.launching ?? snapshot(e);
  }

  /** Stops a service's whole process group and resolves once it has exited. */
  async stop(name: string): Promise<ServiceState | undefined> {
    const e = this.entries.get(name);
    if (!e) return undefined;
    this.dispatch(e, { type: "stop_requested" });
    const child = e.child;
    if (child) {
      await child.terminating;
      await child.handled;
    }
    return snapshot(e);
  }

  /** Stops the service (keeping its logs) and starts it afresh with a new restart budget. */
  async restart(name: string): Promise<ServiceState | undefined> {
    const e = this.entries.get(name);
    if (!e) return undefined;
    await this.stop(name);
    this.dispatch(e, { type: "restart_requested" });
    return e.launching ?? snapshot(e);
  }

  /** Stops every service in parallel. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.entries.keys()].map((name) => this.stop(name)));
  }

  /**
   * Sends `signal` to the service's process group (not to processes that left it) and returns
   * the group leader's pid; undefined when no child runs, or its stop is under way.
   */
  signal(name: string, signal: NodeJS.Signals): number | undefined {
    const e = this.entries.get(name);
    const child = e?.child;
    if (!child || e?.life.child === "stopping") return undefined;
    this.s.killFn(child.pid, signal);
    this.notice(name, `sent ${signal} to process group ${child.pid}`);
    return child.pid;
  }

  /**
   * Restarts the service's child `pid` as a crash whose reason is `restarted: <cause>` (a limit
   * it broke, found by the check `by`), as a failed liveness probe does; false when `pid` is not its live child any more.
   */
  restartAsCrash(name: string, pid: number, cause: string, by: ForcedBy): boolean {
    const e = this.entries.get(name);
    const child = e?.child;
    if (!e || !child || child.pid !== pid) return false;
    return this.dispatch(e, { type: "crash_forced", cause, by }).length > 0;
  }

  /** Stops a service and forgets it. */
  async remove(name: string): Promise<boolean> {
    if (!this.entries.has(name)) return false;
    await this.stop(name);
    this.entries.delete(name);
    return true;
  }

  get(name: string): ServiceState | undefined {
    const e = this.entries.get(name);
    return e && snapshot(e);
  }

  list(): ServiceState[] {
    return [...this.entries.values()].map((e) => snapshot(e));
  }

  /** The service's buffered output lines (`[name] line\n`), oldest first; undefined if unknown. */
  logs(name: string, tail?: number): string[] | undefined {
    return this.entries.get(name)?.logs.snapshot(tail);
  }

  /** The service's buffered lines with the time and stream of the read that brought each, oldest first; undefined if unknown. */
  lines(name: string, tail?: number): { at: number; stream: "stdout" | "stderr"; text: string }[] | undefined {
    return this.entries.get(name)?.logs.entries(tail);
  }

  /** The CANOPY_MARK value of the service's current (or last) spawn; undefined when marking is off. */
  markOf(name: string): string | undefined {
    return this.entries.get(name)?.child?.mark;
  }

  /** The request a service was last started with. */
  request(name: string): SpawnRequest | undefined {
    return this.entries.get(name)?.req;
  }

  /**
   * Feeds `event` to the lifecycle table and carries out the effects it returns, in order;
   * the only place a service's state changes. Returns the effects (a caller may wait on one).
   */
  private dispatch(e: Entry, event: LifeEvent): readonly Effect[] {
    const { next, effects } = transition(e.life, event, {
      service: e.req.short,
      at: this.iso(),
      decideCrash: (exit) => this.decideCrash(e, exit),
    });
    e.life = next;
    for (const effect of effects) this.perform(e, effect);
    return effects;
  }

  /** Carries out one effect of a transition. */
  private perform(e: Entry, effect: Effect): void {
    switch (effect.kind) {
      case "set_request":
        e.req = effect.req;
        return;
      case "clear_logs":
        e.logs.clear();
        return;
      case "reset_budget":
        e.budget.reset();
        e.restartsInWindow = 0;
        e.streak = 0;
        e.reason = undefined;
        e.startError = undefined;
        return;
      case "launch":
        void this.launch(e);
        return;
      case "cancel_launch":
        // Dropping the token calls off a launch still waiting to spawn.
        e.launchToken = undefined;
        e.launching = undefined;
        return;
      case "await_stop":
        return; // the caller waits (start)
      case "arm_timer":
        this.scheduleRespawn(e, effect.delayMs);
        return;
      case "cancel_timer":
        e.pendingRespawn = undefined;
        e.nextRestartAt = undefined;
        return;
      case "signal_group":
        if (e.child) {
          e.child.terminating = this.terminate(e, e.child);
          e.child.signalledAt = this.s.now();
          // What left the group but not the cgroup gets the stop signal now too, not once the leader is gone.
          this.s.containment?.signalStrays(e.req.short, e.child.pid, e.req.stopSignal ?? "SIGTERM");
        }
        return;
      case "sweep_escaped":
        if (e.child) this.sweepOf(e, e.child)?.pass();
        return;
      case "set_start_error":
        e.startError = effect.error;
        return;
      case "clear_unready_error": {
        const type = e.startError?.error_type;
        if (type === "started_but_unbound" || type === "not_ready") e.startError = undefined;
        return;
      }
      case "record_exit":
        e.child = undefined;
        // Its launch (maybe still in the readiness gate) is over: nobody may join it any more.
        e.launching = undefined;
        e.lastExitCode = effect.code;
        e.exitSignal = effect.signal;
        return;
      case "record_reason":
        e.reason = effect.how;
        return;
      case "record_crash":
        e.lastCrashAt = this.iso();
        if (effect.crashes !== undefined) e.restartsInWindow = effect.crashes;
        if (effect.streak !== undefined) e.streak = effect.streak;
        return;
      case "notice":
        this.notice(e.req.short, effect.message);
        return;
      case "emit":
        this.emit(effect.event);
        return;
    }
  }

  /** Spawns and waits out the readiness gate; concurrent starts join the same promise. */
  private launch(e: Entry): Promise<ServiceState> {
    const token = ++this.launchCount;
    e.launchToken = token;
    const launching = (async (): Promise<ServiceState> => {
      let ports: OutputPorts | undefined;
      if (this.s.preflight || this.s.outputFifos) {
        // The table already reads `starting` (a respawn stays `restarting`): a status read
        // during the check must not see a service on its way as stopped.
        const refused = await this.s.preflight?.(e.req);
        if (!refused) ports = await this.s.outputFifos?.open();
        if (e.launchToken !== token || refused) {
          ports?.release();
          // Stopped while we waited (stop() drops the token): nothing to spawn. A launch
          // begun since (a restart's) is the one to wait for.
          if (e.launchToken !== token) return e.launching ?? snapshot(e);
          if (refused) this.failStart(e, refused);
          return snapshot(e);
        }
      }
      const child = this.spawnChild(e, ports);
      if (child) await this.awaitReady(e, child);
      return snapshot(e);
    })();
    e.launching = launching;
    void launching.finally(() => {
      if (e.launching === launching) e.launching = undefined;
    });
    return launching;
  }

  /**
   * Spawns the one child of `e` (synchronously, so two callers can never both spawn), with
   * `ports` as its stdout and stderr when given (released here, whatever happens).
   */
  private spawnChild(e: Entry, ports?: OutputPorts): Child | undefined {
    try {
      return this.spawnWith(e, ports);
    } finally {
      ports?.release();
    }
  }

  private spawnWith(e: Entry, ports: OutputPorts | undefined): Child | undefined {
    if (e.child) return e.child;
    const req = e.req;
    const name = req.short;
    const mark = this.s.findMarked ? markOf(this.markToken, name, ++this.spawnCount) : undefined;
    const env = childEnv(this.s.baseEnv(), req.env, mark);
    const binary = req.cmd[0] as string;
    if (!this.s.which(binary, { PATH: env.PATH ?? "", cwd: req.cwd })) {
      this.failStart(e, {
        error_type: "missing_dependency",
        binary,
        error_description: `cannot find "${binary}" on PATH (or it is not executable); install it or fix cmd`,
        at: this.iso(),
      });
      return undefined;
    }
    let notify: NotifyWatch | undefined;
    let proc: SupervisedProc;
    try {
      notify = this.openNotify(req, mark ?? `${name}-${++this.spawnCount}`);
      if (notify) env.NOTIFY_SOCKET = notify.path;
      const cgroup = this.s.containment?.prepare(name, req.cgroupLimits ?? {});
      proc = this.s.spawnFn({ ...req, env, ...(cgroup === undefined ? {} : { cgroup }) }, ports && { stdout: ports.fds[0], stderr: ports.fds[1] });
    } catch (err) {
      notify?.close();
      const code = (err as NodeJS.ErrnoException).code;
      const missing = code === "ENOENT";
      const dropFailed = code === "privilege_drop_failed";
      this.failStart(e, {
        error_type: missing ? "missing_dependency" : dropFailed ? "privilege_drop_failed" : "spawn_failed",
        ...(missing ? { binary } : {}),
        error_description: dropFailed ? (err as Error).message : `could not spawn ${binary}: ${(err as Error).message}`,
        at: this.iso(),
      });
      return undefined;
    }
    const child: Child = {
      proc,
      pid: proc.pid,
      mark,
      notify,
      handled: Promise.resolve(),
      health: this.healthFor(e, () => child, env),
    };
    notify?.watch(() => child.health?.noteNotified());
    e.child = child;
    e.startedAtMs = this.s.now();
    e.startedAt = this.iso();
    if (ports) {
      tapFeed(ports.stdout, (run) => this.recordOutput(e, "stdout", run));
      tapFeed(ports.stderr, (run) => this.recordOutput(e, "stderr", run));
    } else {
      void tapOutput(proc.stdout, (run) => this.recordOutput(e, "stdout", run));
      void tapOutput(proc.stderr, (run) => this.recordOutput(e, "stderr", run));
    }
    child.handled = proc.exited.then(
      (code) => this.handleExit(e, child, code),
      () => this.handleExit(e, child, null),
    );
    this.dispatch(e, { type: "spawned", pid: child.pid });
    return child;
  }

  /** A NOTIFY_SOCKET for a `ready: {notify}` service; undefined for any other. */
  private openNotify(req: SpawnRequest, tag: string): NotifyWatch | undefined {
    if (req.ready?.check.kind !== "notify") return undefined;
    // Asked here, not at construction: the check loads libc through bun:ffi, which only notify services need.
    if (!this.s.notifyDir || !notifySupported()) throw new Error(NOTIFY_UNSUPPORTED);
    // Socket names stay short: sun_path holds 107 bytes.
    return openNotifyWatch(this.s.notifyDir, Bun.hash(tag).toString(36));
  }

  private failStart(e: Entry, error: StartError): void {
    this.dispatch(e, { type: "spawn_failed", error });
  }

  /**
   * A run of whole lines of a child's output. This is the hot path of a log flood: the
   * ring and `onOutput` take the run whole; it is cut into lines, and those decoded, only
   * for whoever wants lines (the `output` stream, a `log` probe, `onLog`).
   */
  private recordOutput(e: Entry, stream: "stdout" | "stderr", run: Uint8Array): void {
    const service = e.req.short;
    const at = this.s.now();
    e.logs.pushLines(run, at, stream);
    this.s.onOutput?.({ service, stream, bytes: run, at });
    const health = e.child?.health;
    const probed = health?.wantsLines === true;
    if (!probed && !this.s.output && !this.s.onLog) return;
    forEachLine(run, (bytes) => {
      const line = new OutputLine(service, stream, bytes, at);
      if (probed) health?.noteLine(line.text);
      if (this.s.output) this.s.output(`[${service}] ${line.text}\n`);
      this.s.onLog?.(line);
    });
  }

  /** The readiness check of a request: its `ready` probe, else a TCP probe of `env.PORT`. */
  private readySpecOf(req: SpawnRequest): ProbeSpec | undefined {
    if (req.ready) return req.ready;
    if (req.envPortGate === false) return undefined;
    const port = portOf(req);
    if (port === undefined || !this.s.portListening) return undefined;
    return {
      check: { kind: "tcp", port },
      intervalMs: this.s.startReadyPollMs,
      timeoutMs: 500,
      initialDelayMs: 0,
      failureThreshold: 1,
    };
  }

  /** The checks of one child; none for a service without a readiness or liveness check (it is ready once spawned). */
  private healthFor(e: Entry, child: () => Child, env: Record<string, string>): ChildHealth | undefined {
    const req = e.req;
    const ready = this.readySpecOf(req);
    // Nothing kept per child where there is nothing to check: most services, and 100 of them read 0.2 MiB less RSS.
    if (!ready && !req.alive) return undefined;
    return new ChildHealth(ready, req.alive, req.ready ? req.ready.intervalMs : this.s.lateProbeIntervalMs, {
      sleep: this.s.sleep,
      probe: this.s.probe,
      // The child's environment is kept (for the life of the child) only where a probe runs a command in it.
      context: { cwd: req.cwd, env: runsCommand(req) ? env : undefined, portListening: this.s.portListening ?? defaultPortListening },
      isCurrent: () => e.child === child() && e.life.child !== "stopping",
      onReady: () => this.markReady(e, child()),
      onLivenessFailed: (detail, failures) => {
        if (e.child === child()) this.dispatch(e, { type: "liveness_failed", detail, failures });
      },
    });
  }

  /** Waits out the readiness gate; the child is `running` after it either way. */
  private async awaitReady(e: Entry, child: Child): Promise<void> {
    const health = child.health;
    if (!health) return this.markReady(e, child);
    const ready = await health.gate(this.s.startReadyMs);
    if (e.child !== child) return;
    this.dispatch(e, { type: "gate_closed", unready: ready ? undefined : this.unreadyError(e, health) });
  }

  /** Why a child that is past the gate is not ready; undefined when it has no readiness check. */
  private unreadyError(e: Entry, health: ChildHealth): StartError | undefined {
    const spec = this.readySpecOf(e.req);
    if (!spec) return undefined;
    const port = spec.check.kind === "tcp" ? spec.check.port : undefined;
    return {
      error_type: port !== undefined ? "started_but_unbound" : "not_ready",
      error_description:
        port !== undefined
          ? `${e.req.short} is running but nothing accepts connections on port ${port} after ${this.s.startReadyMs}ms; still probing`
          : `${e.req.short} is running but not ready after ${this.s.startReadyMs}ms (${health.lastDetail}); still probing`,
      at: this.iso(),
    };
  }

  private markReady(e: Entry, child: Child): void {
    if (e.child === child) this.dispatch(e, { type: "ready" });
  }

  /** The stop signal (and SIGCONT) to the child's group now, SIGKILL at the deadline; resolves on exit. */
  private terminate(e: Entry, child: Child): Promise<boolean> {
    const name = e.req.short;
    return terminateGroup({
      pid: child.pid,
      exited: child.proc.exited,
      killFn: this.s.killFn,
      signal: e.req.stopSignal ?? "SIGTERM",
      timeoutMs: this.killTimeoutOf(e),
      onEscalate: (msg) => this.notice(name, msg),
      onError: (msg) => this.notice(name, msg),
      continueFn: this.s.continueGroup,
    });
  }

  /** The leader exited: reap what it left in its group, then decide stopped / respawn / give up. */
  private async handleExit(e: Entry, child: Child, code: number | null): Promise<void> {
    const signal = signalName(child.proc.signalCode);
    child.health?.dispose();
    child.notify?.close();
    // Processes that left the group are signalled alongside the group's remnants, once the
    // other exits of this turn are in too: their passes then share one scan of /proc.
    const sweep = this.sweepOf(e, child);
    if (sweep) {
      await afterThisTurn();
      sweep.pass();
    }
    if (this.s.groupAlive(child.pid)) await this.reapRemnants(e, child);
    if (sweep) await this.finishSweep(e, sweep);
    // Whatever is left in the service's cgroup, wherever it went (setsid, `env -i`): a stop ends only once it is empty.
    const since = child.signalledAt === undefined ? 0 : this.s.now() - child.signalledAt;
    const kernel = (await this.s.containment?.drain(e.req.short, {
      pgid: child.pid,
      signal: e.req.stopSignal ?? "SIGTERM",
      timeoutMs: Math.max(0, this.killTimeoutOf(e) - since),
      notice: (message) => this.notice(e.req.short, message),
    }))?.kernel;
    if (e.child !== child) return;
    this.dispatch(e, { type: "exited", code, signal, ...(kernel === undefined ? {} : { kernel }) });
  }

  /**
   * The leader is gone but its group is not (a backgrounded server under `sh -c`):
   * those processes would hold the service's port against the next spawn.
   */
  private async reapRemnants(e: Entry, child: Child): Promise<void> {
    const send = (sig: NodeJS.Signals) => {
      try {
        this.s.killFn(child.pid, sig);
      } catch (err) {
        this.notice(e.req.short, `could not signal group ${child.pid}: ${(err as Error).message}`);
      }
    };
    // A requested stop already signalled the whole group; a crash has not.
    if (e.life.child !== "stopping") {
      send(e.req.stopSignal ?? "SIGTERM");
      if (continueAfter(e.req.stopSignal ?? "SIGTERM")) this.s.continueGroup(child.pid);
    }
    if (await waitGroupGone(child.pid, this.s.groupAlive, this.killTimeoutOf(e))) return;
    this.notice(e.req.short, "processes left in the group after the leader exited; escalating to SIGKILL");
    send("SIGKILL");
    await waitGroupGone(child.pid, this.s.groupAlive, this.killTimeoutOf(e));
  }

  /** Counts an exit nobody asked for in the restart budget, and decides what follows it. */
  private decideCrash(e: Entry, exit: ExitFacts): CrashDecision {
    const now = this.s.now();
    return decideAfterCrash({
      policy: e.req.restart ?? "always",
      ...exit,
      now,
      ranForMs: now - (e.startedAtMs ?? now),
      ...(e.req.successExitCodes ? { successExitCodes: e.req.successExitCodes } : {}),
      ...(e.req.minUptimeMs ? { minUptimeMs: e.req.minUptimeMs } : {}),
      windowMs: e.req.restartWindowMs ?? this.s.restartWindowMs,
      maxRestarts: e.req.maxRestarts ?? this.s.maxRestarts,
      budget: e.budget,
      streak: e.streak,
      backoff: {
        baseMs: e.req.restartDelayMs ?? this.s.restartDelayMs,
        maxMs: e.req.restartMaxDelayMs ?? this.s.restartMaxDelayMs,
        resetAfterMs: e.req.restartResetAfterMs ?? this.s.restartResetAfterMs,
      },
      random: this.s.random,
    });
  }

  /** Respawns after `delayMs`, unless a stop, start or restart cancelled it meanwhile. */
  private scheduleRespawn(e: Entry, delayMs: number): void {
    const token = {};
    e.pendingRespawn = token;
    e.nextRestartAt = this.s.now() + delayMs;
    void this.s.sleep(delayMs).then(() => {
      if (e.pendingRespawn === token) this.dispatch(e, { type: "restart_timer_fired" });
    });
  }

  /** The sweep of `child`'s escaped processes (created on first use); undefined when marking is off. */
  private sweepOf(e: Entry, child: Child): MarkedSweep | undefined {
    const find = this.s.findMarked;
    const mark = child.mark;
    if (!find || mark === undefined) return undefined;
    const name = e.req.short;
    child.sweep ??= new MarkedSweep({
      find: () => find(mark, child.pid),
      signalPid: this.s.signalPid,
      stopSignal: e.req.stopSignal ?? "SIGTERM",
      timeoutMs: this.killTimeoutOf(e),
      onFound: (pids) => this.notice(name, `stopping ${pids.length} process(es) that left the process group (${pids.join(", ")})`),
      onEscalate: (pids) => this.notice(name, `escaped process(es) ${pids.join(", ")} still running; escalating to SIGKILL`),
      onError: (msg) => this.notice(name, msg),
      isGone: this.s.pidGone,
      parentOf: (pid) => readProcStat(pid)?.ppid,
    });
    return child.sweep;
  }

  /** Waits until no process of the sweep's spawn is left outside the group (or gives up after SIGKILL). */
  private async finishSweep(e: Entry, sweep: MarkedSweep): Promise<void> {
    const survivors = await sweep.finish();
    if (survivors.length > 0) this.notice(e.req.short, `escaped process(es) ${survivors.join(", ")} survived SIGKILL`);
  }

  private killTimeoutOf(e: Entry): number {
    return e.req.killTimeoutMs ?? this.s.killTimeoutMs;
  }

  /** A line from the supervisor itself about a service, on the same output. */
  private notice(name: string, message: string): void {
    this.s.output?.(`[${name}] ${message}\n`);
    this.s.onNotice?.(name, message);
  }

  private emit(event: SupervisorEvent): void {
    this.s.onEvent(event);
  }

  private iso(): string {
    return new Date(this.s.now()).toISOString();
  }
}

/** True when a readiness or liveness probe of `req` runs a command (and so needs the child's environment). */
function runsCommand(req: SpawnRequest): boolean {
  return req.ready?.check.kind === "exec" || req.alive?.check.kind === "exec";
}
