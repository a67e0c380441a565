/** The Supervisor's options, and the settings they resolve to (defaults and real seams filled in). */
import { defaultFindMarked, defaultSignalPid, type FindMarkedFn, marksSupported, type SignalPidFn } from "./escape.ts";
import { defaultPortListening } from "./port-probe.ts";
import { defaultProbe, type ProbeFn } from "./probes.ts";
import { defaultContinueGroup, defaultGroupAlive, defaultKillGroup } from "./process-group.ts";
import { defaultSpawn } from "./spawn.ts";
import { pidGone } from "../os/proc-info.ts";
import { defaultNotifyDir } from "./notify-watch.ts";
import { OutputFifos } from "./output-fifos.ts";
import type { Containment } from "./containment.ts";
import type {
  GroupAliveFn,
  KillFn,
  LogLine,
  OutputRun,
  PortListeningFn,
  SleepFn,
  SpawnFn,
  SpawnRequest,
  StartError,
  SupervisorEvent,
  WhichFn,
} from "./types.ts";

export interface SupervisorOptions {
  spawnFn?: SpawnFn;
  killFn?: KillFn;
  /** Waits between a crash and its respawn, and between readiness probes. */
  sleep?: SleepFn;
  /** Epoch ms; the restart window is measured with it. */
  now?: () => number;
  /** Receives every output line as `[name] line\n`, and the supervisor's own notices; null: nobody (stdout by default). */
  output?: ((line: string) => void) | null;
  /** Crashes within `restartWindowMs` that mark a service `crashed` (the first run counts). */
  maxRestarts?: number;
  restartWindowMs?: number;
  restartDelayMs?: number;
  /** How long after the stop signal before SIGKILL. */
  killTimeoutMs?: number;
  /** Cap of each service's in-memory log ring, in bytes. */
  logBufferBytes?: number;
  portListening?: PortListeningFn;
  /** How long `start` waits for `env.PORT` to accept connections. 0 turns the gate off. */
  startReadyMs?: number;
  startReadyPollMs?: number;
  /** After the readiness window, how often a still-unbound port is probed again. */
  lateProbeIntervalMs?: number;
  /** Cap of the doubling restart delay, and the healthy run that resets the doubling. */
  restartMaxDelayMs?: number;
  restartResetAfterMs?: number;
  /** Jitter source for restart delays (0 ≤ x < 1). */
  random?: () => number;
  /** Runs a readiness or liveness check (`ready` / `alive` in a request). */
  probe?: ProbeFn;
  which?: WhichFn;
  groupAlive?: GroupAliveFn;
  /** The environment children inherit, read at each spawn. */
  baseEnv?: () => Record<string, string | undefined>;
  onEvent?: (event: SupervisorEvent) => void;
  /** Each line of output, decoded on demand: costs work per line, so prefer `onOutput` for a flood. */
  onLog?: (line: LogLine) => void;
  /** Each run of whole output lines, as the pipe delivered them. */
  onOutput?: (run: OutputRun) => void;
  /** Receives the supervisor's own notices about a service (crash, give-up, escalation). */
  onNotice?: (service: string, message: string) => void;
  /**
   * Escape-proof stop (see supervisor/escape.ts): finds the processes carrying a spawn's
   * `CANOPY_MARK` outside its group. Real on Linux when no `spawnFn` is injected; without
   * it no mark is set and nothing is looked up.
   */
  findMarked?: FindMarkedFn;
  /** Signals one escaped pid; real only when no `spawnFn` is injected. */
  signalPid?: SignalPidFn;
  /**
   * True once a signalled escaped pid no longer runs (a stop waits for that too); real only when
   * no `spawnFn` is injected: a fake's pids are not this machine's, and a real process that
   * happens to hold one must not hold up the fake's stop.
   */
  pidGone?: (pid: number) => boolean;
  /** SIGCONT to a group right after its stop signal; real only when no `spawnFn` is injected. */
  continueGroup?: (pid: number) => void;
  /** Where `ready: {notify}` services get their NOTIFY_SOCKET; real by default only without an injected spawnFn. */
  notifyDir?: string;
  /** Checked before each spawn; a StartError returned here fails the start without spawning. */
  preflight?: (req: SpawnRequest) => Promise<StartError | undefined>;
  /**
   * Where children's stdout and stderr pipes are made (see output-fifos.ts): a private
   * directory of the daemon's, or null for Bun's pipes (socketpairs). Real by default only
   * without an injected spawnFn, in a fresh directory under the temp dir.
   */
  outputFifoDir?: string | null;
  /** A cgroup per service (see containment.ts); without it, process groups and marks alone. */
  containment?: Containment;
}

export const DEFAULTS = {
  maxRestarts: 5,
  restartWindowMs: 60_000,
  restartDelayMs: 100,
  killTimeoutMs: 5_000,
  logBufferBytes: 256 * 1024,
  startReadyMs: 5_000,
  startReadyPollMs: 100,
  lateProbeIntervalMs: 1_000,
  restartMaxDelayMs: 30_000,
  restartResetAfterMs: 60_000,
} as const;

/** Every option resolved: what the Supervisor actually runs with. */
export interface Settings {
  readonly spawnFn: SpawnFn;
  readonly killFn: KillFn;
  readonly sleep: SleepFn;
  readonly now: () => number;
  readonly output?: (line: string) => void;
  readonly maxRestarts: number;
  readonly restartWindowMs: number;
  readonly restartDelayMs: number;
  readonly killTimeoutMs: number;
  readonly logBufferBytes: number;
  readonly portListening?: PortListeningFn;
  readonly startReadyMs: number;
  readonly startReadyPollMs: number;
  readonly lateProbeIntervalMs: number;
  readonly restartMaxDelayMs: number;
  readonly restartResetAfterMs: number;
  readonly random: () => number;
  readonly probe: ProbeFn;
  readonly which: WhichFn;
  readonly groupAlive: GroupAliveFn;
  readonly baseEnv: () => Record<string, string | undefined>;
  readonly onEvent: (event: SupervisorEvent) => void;
  readonly onLog?: (line: LogLine) => void;
  readonly onOutput?: (run: OutputRun) => void;
  readonly onNotice?: (service: string, message: string) => void;
  readonly preflight?: (req: SpawnRequest) => Promise<StartError | undefined>;
  readonly notifyDir?: string;
  readonly outputFifos?: OutputFifos;
  readonly findMarked?: FindMarkedFn;
  readonly signalPid: SignalPidFn;
  readonly pidGone: (pid: number) => boolean;
  readonly continueGroup: (pid: number) => void;
  readonly containment?: Containment;
}

/**
 * Fills in defaults. With an injected spawner the real world is out of the picture:
 * every binary resolves, no group outlives its fake leader, nothing is marked, and the
 * readiness gate is off unless the test asks for it.
 */
export function resolveSettings(opts: SupervisorOptions): Settings {
  const real = opts.spawnFn === undefined;
  const gateAsked = opts.portListening !== undefined || opts.startReadyMs !== undefined;
  return {
    spawnFn: opts.spawnFn ?? defaultSpawn,
    killFn: opts.killFn ?? defaultKillGroup,
    sleep: opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
    now: opts.now ?? Date.now,
    output: opts.output === null ? undefined : (opts.output ?? ((line) => void process.stdout.write(line))),
    maxRestarts: opts.maxRestarts ?? DEFAULTS.maxRestarts,
    restartWindowMs: opts.restartWindowMs ?? DEFAULTS.restartWindowMs,
    restartDelayMs: opts.restartDelayMs ?? DEFAULTS.restartDelayMs,
    killTimeoutMs: opts.killTimeoutMs ?? DEFAULTS.killTimeoutMs,
    logBufferBytes: opts.logBufferBytes ?? DEFAULTS.logBufferBytes,
    portListening: real || gateAsked ? (opts.portListening ?? defaultPortListening) : undefined,
    startReadyMs: opts.startReadyMs ?? DEFAULTS.startReadyMs,
    startReadyPollMs: Math.max(1, opts.startReadyPollMs ?? DEFAULTS.startReadyPollMs),
    lateProbeIntervalMs: opts.lateProbeIntervalMs ?? DEFAULTS.lateProbeIntervalMs,
    restartMaxDelayMs: opts.restartMaxDelayMs ?? DEFAULTS.restartMaxDelayMs,
    restartResetAfterMs: opts.restartResetAfterMs ?? DEFAULTS.restartResetAfterMs,
    random: opts.random ?? Math.random,
    probe: opts.probe ?? defaultProbe,
    which: opts.which ?? (real ? (bin, o) => Bun.which(bin, o) : (bin) => bin),
    groupAlive: opts.groupAlive ?? (real ? defaultGroupAlive : () => false),
    findMarked: opts.findMarked ?? (real && marksSupported() ? defaultFindMarked : undefined),
    signalPid: opts.signalPid ?? (real ? defaultSignalPid : () => {}),
    pidGone: opts.pidGone ?? (real ? pidGone : () => true),
    continueGroup: opts.continueGroup ?? (real ? defaultContinueGroup : () => {}),
    baseEnv: opts.baseEnv ?? (() => process.env),
    onEvent: opts.onEvent ?? (() => {}),
    onLog: opts.onLog,
    onOutput: opts.onOutput,
    onNotice: opts.onNotice,
    preflight: opts.preflight,
    notifyDir: opts.notifyDir ?? (real ? defaultNotifyDir() : undefined),
    outputFifos: real && opts.outputFifoDir !== null ? new OutputFifos(opts.outputFifoDir) : undefined,
    containment: opts.containment,
  };
}
