/** One child's health: the readiness gate, the background re-probe, and the liveness watch. */
import type { ProbeContext, ProbeResult } from "./probes.ts";
import type { ProbeCheck, ProbeSpec, SleepFn } from "./types.ts";

export interface HealthDeps {
  /** Paces the readiness gate (an injectable seam). */
  sleep: SleepFn;
  probe: (check: ProbeCheck, ctx: ProbeContext) => Promise<ProbeResult>;
  context: Omit<ProbeContext, "timeoutMs" | "logMatched" | "notified">;
  /** False once the child is no longer the service's current one. */
  isCurrent: () => boolean;
  onReady: () => void;
  onLivenessFailed: (detail: string, failures: number) => void;
}

/**
 * Tracks whether one child is ready and alive. Background probing (after the gate
 * window, and liveness) uses real timers on purpose: an instant test `sleep` would
 * turn a background loop into a busy one.
 */
export class ChildHealth {
  ready = false;
  lastDetail = "";
  private logMatched = false;
  private notified = false;
  private readonly logPattern?: RegExp;
  private timer?: ReturnType<typeof setTimeout>;
  private disposed = false;

  constructor(
    private readonly readySpec: ProbeSpec | undefined,
    private readonly aliveSpec: ProbeSpec | undefined,
    private readonly lateIntervalMs: number,
    private readonly deps: HealthDeps,
  ) {
    const check = readySpec?.check;
    if (check?.kind === "log") this.logPattern = new RegExp(check.pattern);
  }

  /** True while a `log` readiness probe is waiting for its line. */
  get wantsLines(): boolean {
    return this.logPattern !== undefined && !this.logMatched;
  }

  /** Feeds an output line to a `log` readiness probe. */
  noteLine(text: string): void {
    if (this.logPattern && !this.logMatched && this.logPattern.test(text)) {
      this.logMatched = true;
      if (this.live()) this.becomeReady();
    }
  }

  /** Records an sd_notify READY=1. */
  noteNotified(): void {
    this.notified = true;
    if (this.readySpec?.check.kind === "notify" && this.live()) this.becomeReady();
  }

  /**
   * Probes until ready or until `windowMs` has passed; true when ready. Without a
   * readiness probe the child is ready at once. When the window passes, probing goes on
   * in the background and `onReady` fires once it passes.
   */
  async gate(windowMs: number): Promise<boolean> {
    const spec = this.readySpec;
    if (!spec) {
      this.becomeReady();
      return true;
    }
    if (spec.initialDelayMs > 0) await this.deps.sleep(spec.initialDelayMs);
    const attempts = windowMs > 0 ? Math.max(1, Math.ceil(windowMs / spec.intervalMs)) : 0;
    for (let i = 0; i < attempts; i++) {
      if (!this.live()) return false;
      if (this.ready) return true;
      if (await this.check(spec)) {
        if (this.live()) this.becomeReady();
        return this.ready;
      }
      if (i < attempts - 1) await this.deps.sleep(spec.intervalMs);
    }
    if (this.live() && !this.ready) this.schedule(this.lateIntervalMs, () => this.lateProbe(spec));
    return this.ready;
  }

  /** Starts the liveness watch (once ready); a no-op without an `alive` probe. */
  private watchLiveness(): void {
    const spec = this.aliveSpec;
    if (!spec) return;
    let failures = 0;
    const tick = async () => {
      if (!this.live()) return;
      const result = await this.deps.probe(spec.check, this.ctx(spec));
      if (!this.live()) return;
      failures = result.ok ? 0 : failures + 1;
      if (failures >= spec.failureThreshold) {
        this.deps.onLivenessFailed(result.detail, failures);
        return;
      }
      this.schedule(spec.intervalMs, tick);
    };
    this.schedule(Math.max(spec.initialDelayMs, spec.intervalMs), tick);
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private async check(spec: ProbeSpec): Promise<boolean> {
    const result = await this.deps.probe(spec.check, this.ctx(spec));
    this.lastDetail = result.detail;
    return result.ok;
  }

  private async lateProbe(spec: ProbeSpec): Promise<void> {
    if (!this.live() || this.ready) return;
    if (await this.check(spec)) {
      if (this.live()) this.becomeReady();
      return;
    }
    this.schedule(this.lateIntervalMs, () => this.lateProbe(spec));
  }

  /** The one way to become ready: once, then the liveness watch starts. */
  private becomeReady(): void {
    if (this.ready) return;
    this.ready = true;
    if (this.timer) clearTimeout(this.timer);
    this.deps.onReady();
    this.watchLiveness();
  }

  private ctx(spec: ProbeSpec): ProbeContext {
    return {
      ...this.deps.context,
      timeoutMs: spec.timeoutMs,
      logMatched: () => this.logMatched,
      notified: () => this.notified,
    };
  }

  private schedule(ms: number, fn: () => void | Promise<void>): void {
    if (this.disposed) return;
    this.timer = setTimeout(() => void fn(), ms);
    this.timer.unref?.();
  }

  private live(): boolean {
    return !this.disposed && this.deps.isCurrent();
  }
}
