/** `-H HOST COMMAND`: a command that talks to the daemon runs here against the remote's forwarded socket; the rest runs there. */
import { CanopyError } from "../../errors.ts";
import { withoutHostOptions } from "../../remote/host-argv.ts";
import { remoteCanopyLine, type SshSettings, sshArgv, sshSettings } from "../../remote/ssh-command.ts";
import { sshFailure } from "../../remote/ssh-failure.ts";
import { hostSpecs, parseSshTarget, type SshTarget } from "../../remote/ssh-target.ts";
import type { ParsedArgs } from "../args.ts";
import type { Io } from "../context.ts";
import { statusOfHosts } from "./hosts-status.ts";
import { openRemote, type RemoteSession } from "./tunnel.ts";

/**
 * Commands that need the remote machine itself (its files, its init system, a daemon to spawn
 * there) rather than its daemon's socket: run as `ssh HOST canopy ARGS`, output passed through.
 */
const RUN_THERE = new Set(["up", "init", "doctor", "service", "convert", "export"]);

/** Runs `args.command` against each `-H` host (else $CANOPY_HOST's; none: here); several hosts work for `status` only. */
export async function runRemote(argv: string[], args: ParsedArgs, io: Io, run: (io: Io) => Promise<number>): Promise<number> {
  const targets = hostSpecs(args.lists?.host, io.env).map(parseSshTarget);
  if (targets.length === 0) return run(io);
  const settings = sshSettings(io.env);
  const command = args.command as string;
  if (targets.length > 1) {
    if (command !== "status") throw new CanopyError("usage", `several hosts work with status only; give one -H for ${command}`);
    return statusOfHosts(io, args, targets, (t) => openRemote(t, settings, args.config));
  }
  const target = targets[0] as SshTarget;
  if (RUN_THERE.has(command)) return runThere(target, settings, withoutHostOptions(argv));
  const session = await openRemote(target, settings, args.config);
  try {
    return await run({ ...io, remote: remoteDaemon(session) });
  } finally {
    await session.close();
  }
}

/** What a command's context needs to talk to the daemon through the forward. */
export function remoteDaemon(session: RemoteSession): NonNullable<Io["remote"]> {
  const { info } = session;
  return {
    label: session.target.label,
    file: info.config_file,
    paths: { ...info.paths, socketPath: session.socketPath },
    ...(info.config === null ? {} : { config: info.config }),
    ...(info.config_error === null ? {} : { configError: info.config_error }),
    warnings: info.warnings,
  };
}

/** `ssh [-t] HOST canopy ARGS` with our terminal; its exit code is the command's, ssh's own failures told apart. */
async function runThere(target: SshTarget, settings: SshSettings, argv: string[]): Promise<number> {
  const tty = Boolean(process.stdin.isTTY);
  const proc = Bun.spawn(sshArgv(settings, target, tty ? ["-t"] : [], remoteCanopyLine(settings, argv)), {
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  });
  const code = await proc.exited;
  const failure = sshFailure(target.label, { code, stderr: "" }, settings.remoteCanopy);
  if (failure) throw failure;
  return code;
}
