/** Starts services as their dependencies allow, holds back the rest, stops in reverse order. */
import { type CanopyConfig, type ServiceConfig, stopOrder, toSpawnRequest } from "../config/index.ts";
import { expandService, expandServices, serviceOf } from "../config/replicas.ts";
import type { Supervisor, SupervisorEvent } from "../supervisor.ts";
import type { ServiceState, StartError } from "../supervisor/types.ts";
import { evaluateDependencies } from "./dependency-gate.ts";
import { planScale, rollingOrder, type ScalePlan } from "./scale-plan.ts";

/** Why a wanted service is not running yet. */
export interface Hold {
  status: "waiting" | "blocked";
  startError?: StartError;
  /** While waiting: the dependencies whose condition does not hold yet. */
  waitingFor?: string[];
}

/** How a `restart --rolling` went: each replica restarted in turn, or where it stopped (a replica not ready again). */
export interface RollingResult {
  restarted: string[];
  /** The replica that was not ready after its restart: the ones after it were left as they were. */
  failed?: string;
}

/**
 * Owns the user's intent ("this service should run") and turns it into Supervisor
 * starts when each service's `depends_on` conditions hold; re-evaluates on every
 * supervisor event, so a dependent starts as soon as its dependency is ready, and a
 * blocked one starts when its dependency recovers.
 *
 * It works on processes: a service with `replicas: N` is N of them (`NAME.1` … `NAME.N`, see
 * config/replicas.ts); a name given to start, stop or restart is a service (all its replicas) or one
 * replica. `canopy scale` sets a count that holds until a reload changes the service's `replicas`.
 */
export class Orchestrator {
  private readonly wanted = new Set<string>();
  private readonly holds = new Map<string, Hold>();
  /** Counts set by `scale`, by service: they override `replicas` until a reload changes it. */
  private readonly scaled = new Map<string, number>();

  constructor(
    private readonly supervisor: Supervisor,
    private config: CanopyConfig,
    private readonly notice: (service: string, message: string) => void,
  ) {}

  /** The hold on a service, while it waits for or is blocked by a dependency. */
  hold(name: string): Hold | undefined {
    return this.holds.get(name);
  }

  /** True while the user wants `name` running (started, or autostarted, and not stopped since). */
  isWanted(name: string): boolean {
    return this.wanted.has(name);
  }

  get services(): ServiceConfig[] {
    return this.config.services;
  }

  /** instances(), kept until the config or a count changes. */
  private expanded?: ServiceConfig[];

  /**
   * Every process as it runs now: each service at its count (`scale`'s, else `replicas`), in config order.
   * Kept, not rebuilt per call: status and supervisor events ask for it, and a fleet start's garbage of
   * rebuilt lists raised the daemon's heap by ~17 KiB per service for good.
   */
  instances(): readonly ServiceConfig[] {
    this.expanded ??= expandServices(this.config.services, (svc) => this.countOf(svc));
    return this.expanded;
  }

  /** The processes `name` names: a service's (all its replicas), or the one replica `NAME.i`; empty when unknown. */
  resolve(name: string): ServiceConfig[] {
    const svc = this.config.services.find((s) => s.name === name);
    if (svc) return expandService(svc, this.countOf(svc));
    const owner = this.config.services.find((s) => s.name === serviceOf(name));
    return owner ? expandService(owner, this.countOf(owner)).filter((p) => p.name === name) : [];
  }

  /** How many copies of `svc` run: the count `scale` set, else its `replicas`. */
  countOf(svc: ServiceConfig): number {
    return this.scaled.get(svc.name) ?? svc.replicas ?? 1;
  }

  /** The count each service of `next` will run at once adopted: a scaled count survives unless `replicas` changed. */
  countsFor(next: CanopyConfig): (svc: ServiceConfig) => number {
    return (svc) => {
      const before = this.config.services.find((s) => s.name === svc.name);
      const scaled = this.scaled.get(svc.name);
      return scaled !== undefined && before && (before.replicas ?? 1) === (svc.replicas ?? 1) ? scaled : svc.replicas ?? 1;
    };
  }

  /** Swaps in a reloaded config (the caller applies the plan). */
  setConfig(config: CanopyConfig): void {
    const keep = this.countsFor(config);
    for (const [name] of this.scaled) {
      const svc = config.services.find((s) => s.name === name);
      if (!svc || keep(svc) === (svc.replicas ?? 1)) this.scaled.delete(name);
    }
    this.config = config;
    this.expanded = undefined;
    const known = new Set(this.instances().map((p) => p.name));
    for (const name of [...this.wanted]) if (!known.has(name)) this.forget(name);
  }

  /** Starts every autostart service (each as its dependencies allow); does not wait. */
  startAutostart(): void {
    for (const svc of this.config.services) if (svc.autostart) void this.want(svc.name);
  }

  /** Wants `name` running: a scheduled service then runs at its next tick (see scheduler.ts), any other starts now. */
  async want(name: string): Promise<void> {
    const procs = this.resolve(name);
    if (procs.every((p) => p.schedule === undefined)) return this.start(name);
    for (const p of procs) this.wanted.add(p.name);
  }

  /** Wants `name` (a service's replicas, or one) running: starts its dependencies too, then it once they allow. */
  async start(name: string): Promise<void> {
    await Promise.all(this.resolve(name).map((p) => this.startOne(p)));
  }

  private async startOne(proc: ServiceConfig): Promise<void> {
    this.wanted.add(proc.name);
    for (const dep of proc.dependsOn) {
      const pending = this.resolve(dep.service).some((p) => !this.wanted.has(p.name) && !this.active(p.name));
      if (pending) void this.start(dep.service);
    }
    await this.evaluate(proc);
  }

  /** Restarts running services (every replica at once); starts those that are not. */
  async restart(name: string): Promise<void> {
    await Promise.all(this.resolve(name).map((p) => this.restartOne(p.name)));
  }

  private async restartOne(name: string): Promise<void> {
    if (this.supervisor.get(name) && this.active(name)) {
      this.wanted.add(name);
      await this.supervisor.restart(name);
      return;
    }
    await this.start(name);
  }

  /**
   * Restarts `name`'s replicas one at a time, lowest-numbered first, each once the one before is ready again (past
   * its readiness gate): the others serve meanwhile. Stops at a replica that is not ready after its restart.
   */
  async restartRolling(name: string): Promise<RollingResult> {
    const restarted: string[] = [];
    for (const proc of rollingOrder(this.resolve(name).map((p) => p.name))) {
      await this.restartOne(proc);
      const state = this.supervisor.get(proc);
      if (!isUp(state)) return { restarted, failed: proc };
      restarted.push(proc);
    }
    return { restarted };
  }

  /**
   * Runs `count` copies of service `name` from now on: the new replicas start (when the service is wanted running),
   * the extra ones stop, highest-numbered first. Undefined for an unknown service.
   */
  async scale(name: string, count: number): Promise<ScalePlan | undefined> {
    const svc = this.config.services.find((s) => s.name === name);
    if (!svc) return undefined;
    const plan = planScale(name, this.countOf(svc), count);
    const wanted = expandService(svc, plan.from).some((p) => this.wanted.has(p.name));
    // Stops first: the first replica's new name takes over the port its old one held.
    for (const proc of plan.stop) await this.remove(proc);
    if (count === (svc.replicas ?? 1)) this.scaled.delete(name);
    else this.scaled.set(name, count);
    this.expanded = undefined;
    if (wanted) await Promise.all(plan.start.map((proc) => this.want(proc)));
    return plan;
  }

  async stop(name: string): Promise<void> {
    const procs = this.resolve(name);
    // A name the config no longer has (a replica scaled away) may still be known to the supervisor.
    const names = procs.length > 0 ? procs.map((p) => p.name) : [name];
    await Promise.all(names.map(async (n) => {
      this.forget(n);
      await this.supervisor.stop(n);
    }));
  }

  /** Stops and forgets a process that left the config (or a replica scaled away). */
  async remove(name: string): Promise<void> {
    this.forget(name);
    await this.supervisor.remove(name);
  }

  /** Stops every service, dependents first; independent services of a level (and their replicas) in parallel. */
  async stopAll(): Promise<void> {
    for (const level of stopOrder(this.config.services)) {
      await Promise.all(level.map((name) => this.stop(name)));
    }
    // Anything the supervisor still knows that left the config.
    await this.supervisor.stopAll();
  }

  /** Re-evaluates the held processes that depend on the service an event is about. */
  onEvent(event: SupervisorEvent): void {
    if (this.holds.size === 0) return;
    const service = serviceOf(event.service);
    for (const proc of this.instances()) {
      if (!this.holds.has(proc.name) || !this.wanted.has(proc.name)) continue;
      if (proc.dependsOn.some((d) => d.service === service)) void this.evaluate(proc);
    }
  }

  private async evaluate(svc: ServiceConfig): Promise<void> {
    if (!this.wanted.has(svc.name)) return;
    const gate = evaluateDependencies(svc.dependsOn, (n) => this.resolve(n).map((p) => this.supervisor.get(p.name)));
    if (gate.kind === "go") {
      this.holds.delete(svc.name);
      await this.supervisor.start(toSpawnRequest(svc));
      return;
    }
    if (this.active(svc.name)) return; // already running: dependencies gate starts, not runs
    if (gate.kind === "wait") {
      this.holds.set(svc.name, { status: "waiting", waitingFor: gate.on });
      return;
    }
    const was = this.holds.get(svc.name)?.status;
    this.holds.set(svc.name, {
      status: "blocked",
      startError: { error_type: "dependency_failed", error_description: gate.detail, at: new Date().toISOString() },
    });
    if (was !== "blocked") this.notice(svc.name, `blocked: ${gate.detail}`);
  }

  private forget(name: string): void {
    this.wanted.delete(name);
    this.holds.delete(name);
  }

  private active(name: string): boolean {
    const status = this.supervisor.get(name)?.status;
    return status === "starting" || status === "running" || status === "restarting";
  }
}

/** Running and past its readiness check: serving again after a restart. */
function isUp(state: ServiceState | undefined): boolean {
  return state?.status === "running" && state.ready;
}
