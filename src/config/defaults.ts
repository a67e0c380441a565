/** Defaults and limits for config values. */

/** Values used when a service or `logs:` leaves a key out. */
export const DEFAULTS = {
  restart: "always",
  maxRestarts: 5,
  restartWindowMs: 60_000,
  restartDelayMs: 100,
  stopSignal: "SIGTERM",
  stopTimeoutMs: 5_000,
  autostart: true,
  logMaxSizeBytes: 10 * 1024 * 1024,
  logMaxFiles: 3,
  restartMaxDelayMs: 30_000,
  restartResetAfterMs: 60_000,
  readyIntervalMs: 250,
  aliveIntervalMs: 10_000,
  probeTimeoutMs: 1_000,
  probeInitialDelayMs: 0,
  aliveFailureThreshold: 3,
  /** Stored on ready probes, which do not use it. */
  readyFailureThreshold: 1,
  allowNonLoopback: false,
} as const;

/** Bounds past which a value is refused as a mistake. */
export const LIMITS = {
  maxDurationMs: 24 * 3_600_000,
  maxRestarts: 1_000_000,
  minLogSizeBytes: 1024,
  maxLogSizeBytes: 1024 ** 4,
  maxLogFiles: 1_000,
  maxFailureThreshold: 1_000,
} as const;
