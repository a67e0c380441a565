/** The ssh command lines Canopy runs: the user's own ssh, its options, and a remote command quoted for the remote shell (pure). */
import type { SshTarget } from "./ssh-target.ts";

/** What to run remotely and how: `ssh` (or $CANOPY_SSH, split on spaces) and the remote canopy ($CANOPY_REMOTE_COMMAND, a shell snippet). */
export interface SshSettings {
  ssh: string[];
  remoteCanopy: string;
}

/** From the environment: CANOPY_SSH (e.g. `ssh -F ./ssh_config`) and CANOPY_REMOTE_COMMAND (default `canopy`). */
export function sshSettings(env: Record<string, string | undefined>): SshSettings {
  const ssh = (env.CANOPY_SSH ?? "").split(/\s+/).filter((s) => s !== "");
  return { ssh: ssh.length > 0 ? ssh : ["ssh"], remoteCanopy: env.CANOPY_REMOTE_COMMAND?.trim() || "canopy" };
}

/** `ssh [opts] [-p PORT] [-l USER] HOST -- REMOTE`: the target's port and user, then the remote command line. */
export function sshArgv(settings: SshSettings, target: SshTarget, options: string[], remote: string): string[] {
  return [
    ...settings.ssh,
    ...options,
    ...(target.port === undefined ? [] : ["-p", String(target.port)]),
    ...(target.user === undefined ? [] : ["-l", target.user]),
    "--",
    target.host,
    remote,
  ];
}

/** `canopy ARGS` as one line for the remote shell: the remote canopy snippet as is, each argument single-quoted. */
export function remoteCanopyLine(settings: SshSettings, args: string[]): string {
  return [settings.remoteCanopy, ...args.map(shellQuote)].join(" ");
}

/** A POSIX shell word that is exactly `arg`. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
