/** Starts services as their dependencies allow, holds back the rest, stops in reverse order. */
import { type CanopyConfig, type ServiceConfig, stopOrder, toSpawnRequest } from "../config/index.ts";
import type { Supervisor, SupervisorEvent } from "../supervisor.ts";
import type { StartError } from "../supervisor/types.ts";
import { evaluateDependencies } from "./dependency-gate.ts";

/** Why a wanted service is not running yet. */
export interface Hold {
  status: "waiting" | "blocked";
  startError?: StartError;
  /** While waiting: the dependencies whose condition does not hold yet. */
  waitingFor?: string[];
}

/**
 * Owns the user's intent ("this service should run") and turns it into Supervisor
 * starts when each service's `depends_on` conditions hold; re-evaluates on every
 * supervisor event, so a dependent starts as soon as its dependency is ready, and a
 * blocked one starts when its dependency recovers.
 */
export class Orchestrator {
  private readonly wanted = new Set<string>();
  private readonly holds = new Map<string, Hold>();

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

  /** Swaps in a reloaded config (the caller applies the plan). */
  setConfig(config: CanopyConfig): void {
    this.config = config;
    for (const name of [...this.wanted]) if (!this.find(name)) this.forget(name);
  }

  /** Starts every autostart service (each as its dependencies allow); does not wait. */
  startAutostart(): void {
    for (const svc of this.config.services) if (svc.autostart) void this.want(svc.name);
  }

  /** Wants `name` running: a scheduled service then runs at its next tick (see scheduler.ts), any other starts now. */
  async want(name: string): Promise<void> {
    if (this.find(name)?.schedule === undefined) return this.start(name);
    this.wanted.add(name);
  }

  /** Wants `name` running: starts its dependencies too, then it once they allow. */
  async start(name: string): Promise<void> {
    const svc = this.find(name);
    if (!svc) return;
    this.wanted.add(name);
    for (const dep of svc.dependsOn) {
      if (!this.wanted.has(dep.service) && !this.active(dep.service)) void this.start(dep.service);
    }
    await this.evaluate(svc);
  }

  /** Restarts a running service; starts one that is not. */
  async restart(name: string): Promise<void> {
    if (this.supervisor.get(name) && this.active(name)) {
      this.wanted.add(name);
      await this.supervisor.restart(name);
      return;
    }
    await this.start(name);
  }

  async stop(name: string): Promise<void> {
    this.forget(name);
    await this.supervisor.stop(name);
  }

  /** Stops and forgets a service that left the config. */
  async remove(name: string): Promise<void> {
    this.forget(name);
    await this.supervisor.remove(name);
  }

  /** Stops every service, dependents first; independent services of a level in parallel. */
  async stopAll(): Promise<void> {
    for (const level of stopOrder(this.config.services)) {
      await Promise.all(level.map((name) => this.stop(name)));
    }
    // Anything the supervisor still knows that left the config.
    await this.supervisor.stopAll();
  }

  /** Re-evaluates the held services that depend on the one an event is about. */
  onEvent(event: SupervisorEvent): void {
    for (const svc of this.config.services) {
      if (!this.holds.has(svc.name) || !this.wanted.has(svc.name)) continue;
      if (svc.dependsOn.some((d) => d.service === event.service)) void this.evaluate(svc);
    }
  }

  private async evaluate(svc: ServiceConfig): Promise<void> {
    if (!this.wanted.has(svc.name)) return;
    const gate = evaluateDependencies(svc.dependsOn, (n) => this.supervisor.get(n));
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

  private find(name: string): ServiceConfig | undefined {
    return this.config.services.find((s) => s.name === name);
  }
}
