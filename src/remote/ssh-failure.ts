/** Which part of reaching a remote daemon failed, from how `ssh host canopy …` ended (pure). */
import { CanopyError } from "../errors.ts";

/** How one ssh run ended. */
export interface SshOutcome {
  code: number;
  stderr: string;
}

/**
 * ssh exits 255 for its own failures (unreachable, refused, authentication); a shell exits 127
 * (126) when the command is missing (not executable). Anything else is canopy's own answer.
 */
export function sshFailure(label: string, outcome: SshOutcome, remoteCanopy: string): CanopyError | undefined {
  const said = lastLine(outcome.stderr);
  if (outcome.code === 255) {
    return new CanopyError("ssh_failed", `ssh to ${label} failed${said ? `: ${said}` : ` (exit 255)`}`, { host: label });
  }
  if (outcome.code === 127 || outcome.code === 126) {
    return new CanopyError(
      "remote_canopy_missing",
      `${label} has no \`${remoteCanopy}\` to run${said ? ` (${said})` : ""}: install canopy there, or set CANOPY_REMOTE_COMMAND to its path`,
      { host: label },
    );
  }
  return undefined;
}

/** The last non-empty line, without ssh's "Warning: Permanently added …" chatter. */
export function lastLine(text: string): string {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("Warning: Permanently added"));
  return lines.at(-1) ?? "";
}
