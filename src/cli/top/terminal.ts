/** The terminal top draws on: alternate screen, raw keys, size, and always giving it back. */

/** Enter the alternate screen, hide the cursor, clear. */
const ENTER = "\x1b[?1049h\x1b[?25l\x1b[H\x1b[2J";
/** Reset colours, show the cursor, leave the alternate screen. */
const LEAVE = "\x1b[0m\x1b[?25h\x1b[?1049l";

export interface Terminal {
  cols: number;
  rows: number;
  write(text: string): void;
  /** Gives the terminal back as it was; safe to call more than once. */
  restore(): void;
}

export interface TerminalHandlers {
  onKeys: (data: string) => void;
  onResize: () => void;
  /** SIGTERM, SIGHUP or SIGINT from outside (Ctrl-C itself arrives as a key in raw mode). */
  onSignal: (signal: NodeJS.Signals) => void;
}

const SIGNALS: NodeJS.Signals[] = ["SIGTERM", "SIGHUP", "SIGINT"];

/**
 * Takes over the terminal on stdin/stdout: raw mode, alternate screen, no cursor. `restore`
 * undoes all of it; so does the process exiting by any path (an `exit` listener), so a crash
 * between the two cannot leave the terminal raw or on the alternate screen.
 */
export function openTerminal(write: (text: string) => void, handlers: TerminalHandlers): Terminal {
  const stdin = process.stdin;
  const stdout = process.stdout;
  let restored = false;
  const size = () => {
    const [cols, rows] = stdout.getWindowSize?.() ?? [stdout.columns ?? 80, stdout.rows ?? 24];
    term.cols = cols > 0 ? cols : 80;
    term.rows = rows > 0 ? rows : 24;
  };
  const onData = (data: Buffer | string) => handlers.onKeys(typeof data === "string" ? data : data.toString("utf8"));
  const onResize = () => {
    size();
    handlers.onResize();
  };
  const signalHandlers = SIGNALS.map((sig) => [sig, () => handlers.onSignal(sig)] as const);
  const restore = () => {
    if (restored) return;
    restored = true;
    stdin.off("data", onData);
    stdout.off("resize", onResize);
    process.off("SIGWINCH", onResize);
    for (const [sig, fn] of signalHandlers) process.off(sig, fn);
    process.off("exit", restore);
    try {
      if (stdin.isTTY) stdin.setRawMode(false);
    } catch {
      // the terminal is gone (SIGHUP): nothing to give back
    }
    stdin.pause();
    try {
      write(LEAVE);
    } catch {
      // likewise
    }
  };
  const term: Terminal = { cols: 80, rows: 24, write, restore };
  size();
  process.on("exit", restore);
  for (const [sig, fn] of signalHandlers) process.on(sig, fn);
  stdin.setRawMode(true);
  stdin.on("data", onData);
  stdin.resume();
  stdout.on("resize", onResize);
  process.on("SIGWINCH", onResize);
  write(ENTER);
  return term;
}
