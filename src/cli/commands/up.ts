/** `canopy up [-d]`: run the daemon in the foreground, or start it in the background and report. */
import { openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { ServiceView, StatusDocument } from "../../api/wire.ts";
import { startDaemon } from "../../daemon/daemon.ts";
import { clockFromEnv } from "../../orchestration/scheduler.ts";
import { readLockPid } from "../../daemon/lock.ts";
import { ensurePrivateDir } from "../../daemon/paths.ts";
import { dropDaemonRuntimeEnv, servicesNeedFfi, withDaemonRuntimeEnv } from "../../daemon/runtime-env.ts";
import { choiceArgs } from "../../config/index.ts";
import { serviceOf } from "../../config/replicas.ts";
import { CanopyError } from "../../errors.ts";
import { versionString } from "../../version.ts";
import type { ParsedArgs } from "../args.ts";
import { choiceOf, type Io, openProject, type Project } from "../context.ts";
import { colorEnabled, formatLine, makeColors } from "../style.ts";
import { selfCommand } from "../self.ts";
import { STATUSES_ONLY } from "../client.ts";
import { describeService } from "../describe.ts";
import { waitUntil } from "../wait.ts";

const DAEMON_BOOT_TIMEOUT_MS = 20_000;
const SERVICES_SETTLE_TIMEOUT_MS = 60_000;

export async function up(io: Io, args: ParsedArgs): Promise<number> {
  const project = openProject(io, args.config, { choice: choiceOf(args) });
  if (await project.client.alive()) return startStopped(io, project);
  if (args.flags.detach) return upDetached(io, project);
  return runInForeground(io, project, true);
}

/** `canopy daemon` (internal): what `up -d` runs in the background. */
export async function daemon(io: Io, args: ParsedArgs): Promise<number> {
  return runInForeground(io, openProject(io, args.config, { choice: choiceOf(args) }), false);
}

/** Runs the daemon in this process until SIGINT/SIGTERM or `canopy down`. */
async function runInForeground(io: Io, project: Project, streamOutput: boolean): Promise<number> {
  dropDaemonRuntimeEnv(io.env);
  // A background daemon never asks whether stdout is a terminal: asking opens process.stdout (see std-output.ts).
  const c = streamOutput ? makeColors(colorEnabled({ isTTY: io.stdoutTty }, io.env)) : undefined;
  const output = c
    ? (line: string) => {
        const m = /^\[([^\]]+)\] ([^]*)\n$/.exec(line);
        io.stdout(m ? formatLine(c, io.stdoutTty, m[1] as string, m[2] as string) : line);
      }
    : undefined;
  const running = await startDaemon({
    config: project.config,
    paths: project.paths,
    output,
    log: (message) => io.stderr(`canopy: ${message}\n`),
    version: versionString(),
    scheduleClock: clockFromEnv(io.env),
  });
  const stop = () => void running.shutdown();
  const reload = () => void running.reload();
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  process.on("SIGHUP", reload);
  try {
    await running.done;
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    process.off("SIGHUP", reload);
  }
  return 0;
}

/** Starts the daemon as a detached process, waits for it and its services, and reports. */
async function upDetached(io: Io, project: Project): Promise<number> {
  const { config, paths, client } = project;
  ensurePrivateDir(paths.stateDir);
  const logPath = join(paths.stateDir, "daemon.log");
  const fd = openSync(logPath, "a", 0o600);
  const child = Bun.spawn([...selfCommand(), "daemon", "-c", config.file, ...choiceArgs(config.choice)], {
    cwd: config.dir,
    env: withDaemonRuntimeEnv(io.env, servicesNeedFfi(config.services)),
    stdin: "ignore",
    stdout: fd,
    stderr: fd,
    detached: true,
  });
  child.unref();
  // A daemon killed by a signal has no exit code, only a signal code.
  const ended = () => child.exitCode !== null || child.signalCode !== null;
  const booted = await waitUntil(async () => (await client.alive()) || ended(), DAEMON_BOOT_TIMEOUT_MS);
  // Lost a race with another `up -d`: ours exited because the other's daemon holds the lock; wait for that one to answer.
  const winner = ended() ? readLockPid(paths.lockPath) : undefined;
  if (winner !== undefined && winner !== child.pid) {
    await waitUntil(async () => (await client.alive()) || !processExists(winner), DAEMON_BOOT_TIMEOUT_MS);
  }
  if (!(await client.alive())) {
    const how = child.signalCode !== null ? `was killed by ${child.signalCode}` : `exited with code ${child.exitCode}`;
    const why = booted ? `it ${how}` : "it did not answer in time";
    throw new CanopyError("start_failed", `the daemon did not start: ${why}. Its log, ${logPath}:\n${tail(logPath)}`);
  }
  const doc = await settled(project);
  return report(io, project, doc.services.filter((s) => s.autostart || s.status !== "stopped"), `daemon running (pid ${doc.daemon.pid})`);
}

/** A daemon already runs: start its stopped autostart services. */
async function startStopped(io: Io, project: Project): Promise<number> {
  const doc = await project.client.call<StatusDocument>("GET", STATUSES_ONLY);
  // Not a scheduled one: it runs at its ticks, not now.
  const stopped = doc.services.filter((s) => s.autostart && s.status === "stopped" && s.schedule === undefined);
  await Promise.all(stopped.map((s) => project.client.call("POST", `/v1/services/${s.name}/start`)));
  const after = await settled(project);
  const names = new Set(stopped.map((s) => s.name));
  const started = after.services.filter((s) => names.has(s.name));
  if (started.length === 0) {
    io.stderr(`canopy: daemon already running (pid ${doc.daemon.pid}); nothing was stopped\n`);
    return 0;
  }
  return report(io, project, started, `daemon already running (pid ${doc.daemon.pid})`);
}

/**
 * Waits until no service is still on its way: `starting`, or `waiting` for its dependencies
 * (which start it once they are up). `blocked` is settled: a dependency failed.
 */
async function settled(project: Project): Promise<StatusDocument> {
  let doc = await project.client.call<StatusDocument>("GET", STATUSES_ONLY);
  await waitUntil(async () => {
    doc = await project.client.call<StatusDocument>("GET", STATUSES_ONLY);
    return !doc.services.some((s) => s.status === "starting" || s.status === "waiting");
  }, SERVICES_SETTLE_TIMEOUT_MS);
  return doc;
}

function report(io: Io, project: Project, services: ServiceView[], header: string): number {
  io.stderr(`canopy: ${header}\n`);
  const configs = new Map(project.config.services.map((s) => [s.name, s]));
  let failed = 0;
  for (const s of services) {
    // A scheduled service is up when its schedule is armed, whatever its last run did.
    const ok = s.status === "running" || s.status === "completed" || s.schedule !== undefined;
    if (!ok) failed++;
    (ok ? io.stdout : io.stderr)(`${describeService(s, { config: configs.get(serviceOf(s.name)) })}\n`);
  }
  return failed > 0 ? 1 : 0;
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function tail(path: string): string {
  try {
    return readFileSync(path, "utf8").split("\n").slice(-15).join("\n");
  } catch {
    return "(no log)";
  }
}
