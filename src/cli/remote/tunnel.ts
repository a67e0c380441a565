/** Reaching the daemon on another machine: ask its canopy where it listens, then forward that socket here over ssh. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DaemonClient } from "../client.ts";
import { CanopyError } from "../../errors.ts";
import { parseRemoteInfo, type RemoteInfo } from "../../remote/remote-info.ts";
import { remoteCanopyLine, type SshSettings, sshArgv } from "../../remote/ssh-command.ts";
import { lastLine, sshFailure } from "../../remote/ssh-failure.ts";
import type { SshTarget } from "../../remote/ssh-target.ts";

/** A remote daemon reachable through `socketPath` here until `close()`. */
export interface RemoteSession {
  target: SshTarget;
  info: RemoteInfo;
  /** The forwarded socket: a private folder of ours, removed by close(). */
  socketPath: string;
  close(): Promise<void>;
}

/** How long the forward may take to answer once ssh runs (ssh's own ConnectTimeout bounds the connect). */
const FORWARD_DEADLINE_MS = 20_000;

/**
 * Runs `canopy remote-info` on the target, then `ssh -L here.sock:there.sock`, and waits until a
 * request through the forward is answered. Each failure is told apart: ssh itself (ssh_failed),
 * no canopy there (remote_canopy_missing), no daemon for that config (daemon_not_running).
 */
export async function openRemote(target: SshTarget, settings: SshSettings, config: string | undefined): Promise<RemoteSession> {
  const info = await askRemoteInfo(target, settings, config);
  if (!info.daemon_running) {
    throw new CanopyError(
      "daemon_not_running",
      `no daemon is running for ${info.config_file} on ${target.label} (start one with \`canopy -H ${target.label} up -d\`)`,
      { host: target.label },
    );
  }
  const dir = mkdtempSync(join(tmpdir(), "canopy-ssh-"));
  const socketPath = join(dir, "daemon.sock");
  // The remote command waits for our stdin to close: if this process dies, ssh and its forward end too.
  const forward = Bun.spawn(
    sshArgv(settings, target, ["-o", "ExitOnForwardFailure=yes", "-o", "StreamLocalBindUnlink=yes", "-L", `${socketPath}:${info.paths.socketPath}`], "cat >/dev/null"),
    { stdin: "pipe", stdout: "ignore", stderr: "pipe" },
  );
  const stderr = new Response(forward.stderr).text();
  const onSignal = (signal: NodeJS.Signals) => {
    // Interrupted (Ctrl-C on `logs -f`): leave nothing behind, then die of the signal as we would have.
    forward.kill();
    rmSync(dir, { recursive: true, force: true });
    for (const s of SIGNALS) process.removeListener(s, onSignal);
    process.kill(process.pid, signal);
  };
  const close = async () => {
    for (const s of SIGNALS) process.removeListener(s, onSignal);
    try {
      forward.stdin.end();
    } catch {
      // already closed
    }
    forward.kill();
    await forward.exited;
    rmSync(dir, { recursive: true, force: true });
  };
  for (const s of SIGNALS) process.on(s, onSignal);
  try {
    await waitForForward(socketPath, forward.exited, target);
  } catch (err) {
    await close();
    if (err instanceof ForwardEnded) {
      throw new CanopyError("ssh_failed", `ssh to ${target.label} could not forward ${info.paths.socketPath}: ${lastLine(await stderr) || `exit ${err.code}`}`, { host: target.label });
    }
    throw err;
  }
  return { target, info, socketPath, close };
}

const SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

class ForwardEnded extends Error {
  constructor(readonly code: number) {
    super("ssh ended");
  }
}

async function askRemoteInfo(target: SshTarget, settings: SshSettings, config: string | undefined): Promise<RemoteInfo> {
  const args = ["remote-info", ...(config === undefined ? [] : ["-c", config])];
  const proc = Bun.spawn(sshArgv(settings, target, [], remoteCanopyLine(settings, args)), { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  const failure = sshFailure(target.label, { code, stderr }, settings.remoteCanopy);
  if (failure) throw failure;
  const info = parseRemoteInfo(stdout, target.label);
  if (info === undefined) {
    const said = lastLine(stderr);
    throw new CanopyError(
      "remote_canopy_missing",
      `\`${settings.remoteCanopy} remote-info\` on ${target.label} did not answer (exit ${code}${said ? `: ${said}` : ""}); it may be older than this canopy: install the same version there`,
      { host: target.label },
    );
  }
  return info;
}

/** Until a request through the forward is answered; ssh ending first is a ForwardEnded. */
async function waitForForward(socketPath: string, exited: Promise<number>, target: SshTarget): Promise<void> {
  let ended: number | undefined;
  void exited.then((code) => {
    ended = code;
  });
  const client = new DaemonClient(socketPath, socketPath);
  const deadline = Date.now() + FORWARD_DEADLINE_MS;
  while (Date.now() < deadline) {
    if (await client.alive()) return;
    if (ended !== undefined) throw new ForwardEnded(ended);
    await Promise.race([Bun.sleep(20), exited]);
  }
  throw new CanopyError("ssh_failed", `ssh to ${target.label}: the forwarded socket did not answer within ${FORWARD_DEADLINE_MS / 1000}s`, { host: target.label });
}
