/** Signal names, accepted with or without the `SIG` prefix and in any case. */

/** The signals a service may be asked to stop with, be reloaded with, or be sent (`canopy signal`). */
export const STOP_SIGNALS = [
  "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL",
  "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGCHLD", "SIGCONT", "SIGSTOP",
  "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH",
  "SIGIO", "SIGSYS",
] as const satisfies readonly NodeJS.Signals[];

/** Normalizes `term`, `SIGTERM`, `sigterm`… to `SIGTERM`; undefined when it is not a known signal name. */
export function parseSignal(input: string): NodeJS.Signals | undefined {
  const upper = input.trim().toUpperCase();
  const name = upper.startsWith("SIG") ? upper : `SIG${upper}`;
  return (STOP_SIGNALS as readonly string[]).includes(name) ? (name as NodeJS.Signals) : undefined;
}
