/** A real pseudo-terminal for full-screen commands: a private tmux server running one program in a fixed-size pane. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requireTool } from "./system-tool.ts";
import { pidAlive, waitFor } from "./net.ts";

export interface TmuxOptions {
  argv: string[];
  cols: number;
  rows: number;
  env: Record<string, string>;
  cwd: string;
}

/**
 * One tmux server of our own (its socket in a temp folder, so no other tmux is touched),
 * running `argv` in a `cols`×`rows` pane that stays after the program exits, so the state it
 * left the terminal in (alternate screen, cursor) and its exit status can still be read.
 */
export class TmuxPane {
  private constructor(
    private readonly tmux: string,
    private readonly dir: string,
  ) {}

  static open(opts: TmuxOptions): TmuxPane {
    const tmux = requireTool("tmux", "tmux");
    const dir = mkdtempSync(join(tmpdir(), "canopy-tmux-"));
    const conf = join(dir, "tmux.conf");
    writeFileSync(conf, "set -g remain-on-exit on\nset -g status off\nset -g history-limit 0\n");
    const pane = new TmuxPane(tmux, dir);
    pane.run(["-f", conf, "new-session", "-d", "-s", "top", "-x", String(opts.cols), "-y", String(opts.rows), "-c", opts.cwd, ...opts.argv], opts.env);
    return pane;
  }

  private run(args: string[], env?: Record<string, string>): string {
    const r = Bun.spawnSync([this.tmux, "-S", join(this.dir, "sock"), ...args], { env: env ?? { PATH: process.env.PATH ?? "" }, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    if (r.exitCode !== 0) throw new Error(`tmux ${args.join(" ")} failed: ${r.stderr.toString()}`);
    return r.stdout.toString();
  }

  /** The screen as text, one line per row (trailing blanks trimmed by tmux). */
  text(): string {
    return this.run(["capture-pane", "-p", "-t", "top"]);
  }

  /** The screen with its escape sequences (-e): colours and attributes as the program drew them. */
  textWithEscapes(): string {
    return this.run(["capture-pane", "-p", "-e", "-t", "top"]);
  }

  /** A tmux format, e.g. `#{alternate_on}`, `#{cursor_flag}`, `#{pane_dead}`, `#{pane_pid}`. */
  format(fmt: string): string {
    return this.run(["display-message", "-p", "-t", "top", fmt]).trim();
  }

  /** Keys as tmux names them: `j`, `Enter`, `C-c`, `Up`, or literal text. */
  send(...keys: string[]): void {
    this.run(["send-keys", "-t", "top", ...keys]);
  }

  resize(cols: number, rows: number): void {
    this.run(["resize-window", "-t", "top", "-x", String(cols), "-y", String(rows)]);
  }

  /** Copies everything the program writes to `file` from now on. */
  pipeTo(file: string): void {
    this.run(["pipe-pane", "-t", "top", "-o", `cat >> '${file}'`]);
  }

  /** Waits until the screen satisfies `cond` (given its text); returns that text, or throws showing the last screen. */
  async waitForScreen(cond: (screen: string) => boolean, what: string, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = this.text();
      if (cond(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; the screen:\n${screen}`);
      await Bun.sleep(50);
    }
  }

  /** Waits for the program to exit; returns its exit status. */
  async waitForExit(timeoutMs = 30_000): Promise<number> {
    await waitFor(() => this.format("#{pane_dead}") === "1", "the program in the pane to exit", timeoutMs, 50);
    return Number(this.format("#{pane_dead_status}"));
  }

  /** Kills the server and the program, if still running, and removes its folder. */
  close(): void {
    let pid: number | undefined;
    try {
      if (this.format("#{pane_dead}") !== "1") pid = Number(this.format("#{pane_pid}"));
      this.run(["kill-server"]);
    } catch {
      // already gone
    }
    if (pid && pidAlive(pid)) process.kill(pid, "SIGKILL");
    rmSync(this.dir, { recursive: true, force: true });
  }
}
