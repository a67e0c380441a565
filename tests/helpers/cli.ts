/** Running the real `canopy` CLI as a subprocess against throwaway projects (config, fixtures, state dir). */
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StatusDocument } from "../../src/api/wire.ts";
import { resolvePaths } from "../../src/daemon/paths.ts";
import { killMarked } from "./net.ts";
import { removeSubtree } from "./cgroup.ts";

/** The bun binary running the tests; fixtures and the CLI run under it. */
export const BUN = process.execPath;
/** Absolute path of the CLI entry point. */
export const MAIN = join(import.meta.dir, "..", "..", "src", "main.ts");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** CANOPY_STATE_DIR for the run (unset when undefined). */
  stateDir?: string;
  cwd?: string;
  /** Overrides merged over this process's environment; an undefined value removes the variable. */
  env?: Record<string, string | undefined>;
  /** The CLI is killed after this long (a hung command fails its test instead of the suite). */
  timeoutMs?: number;
  /** Runs the CLI under this umask (octal text, e.g. "000"), through /bin/sh. */
  umask?: string;
}

/** The environment a CLI run gets: ours, without a stray CANOPY_CONFIG or NO_COLOR, plus the overrides. */
export function cliEnv(opts: CliOptions = {}): Record<string, string> {
  const merged: Record<string, string | undefined> = {
    ...process.env,
    CANOPY_CONFIG: undefined,
    NO_COLOR: undefined,
    CANOPY_STATE_DIR: opts.stateDir,
    ...opts.env,
  };
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(merged)) if (v !== undefined) env[k] = v;
  return env;
}

/** Runs `canopy ARGS...` to completion and collects its exit code and output. */
export async function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  const argv = [BUN, MAIN, ...args];
  if (opts.umask !== undefined) argv.unshift("/bin/sh", "-c", `umask ${opts.umask} && exec "$@"`, "sh");
  const p = Bun.spawn(argv, {
    env: cliEnv(opts),
    cwd: opts.cwd ?? tmpdir(),
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    timeout: opts.timeoutMs ?? 90_000,
    killSignal: "SIGKILL",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { code, stdout, stderr };
}

/** A bun HTTP listener on $PORT answering its own pid; prints `ready pid=N port=P`. Extra argv (a marker) is ignored. */
const LISTENER = `const server = Bun.serve({
  port: Number(process.env.PORT),
  hostname: "127.0.0.1",
  fetch: () => new Response(String(process.pid)),
});
console.log("ready pid=" + process.pid + " port=" + server.port);
`;

/** Prints \`line 1\` … \`line N\` (N = argv[2], default 30), then stays alive. */
const PRINTER = `const n = Number(process.argv[2] ?? 30);
for (let i = 1; i <= n; i++) console.log("line " + i);
setInterval(() => {}, 1 << 30);
`;

/** A temp folder with fixtures and a config, its own state dir, and a CLI bound to both. */
export interface TempProject {
  /** Real path of the project folder; it appears in the argv of the daemon and of every fixture, so it marks them. */
  dir: string;
  /** CANOPY_STATE_DIR: a fresh path (not created yet; the daemon makes it). */
  stateDir: string;
  /** Absolute config path (canopy.yaml). */
  configFile: string;
  socketPath: string;
  /** Replaces the config text (YAML; JSON is YAML too). */
  writeConfig(config: string | object): void;
  /** Writes a file into the project folder; returns its path. */
  writeFile(name: string, text: string): string;
  /** A service running the listener fixture on `port`; `marker` ends up in its argv. */
  listener(port: number, marker?: string): { cmd: string[]; port: number };
  /** A service running the printer fixture. */
  printer(lines?: number): { cmd: string[] };
  /** `canopy -c <config> ARGS...` in the project folder. */
  cli(args: string[], opts?: Omit<CliOptions, "stateDir">): Promise<CliResult>;
  /** `canopy -c <config> ARGS...` in the project folder, left running: for commands that follow or serve. */
  spawn(args: string[]): Bun.Subprocess<"ignore", "pipe", "pipe">;
  /** `status --json`, parsed; throws with the CLI's stderr when it fails. */
  status(): Promise<StatusDocument>;
  /** `down`, then SIGKILL whatever still mentions the project folder, then remove the folders. */
  cleanup(): Promise<void>;
}

export function tempProject(config: string | object = { services: {} }): TempProject {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "canopy-e2e-")));
  const stateRoot = realpathSync(mkdtempSync(join(tmpdir(), "canopy-e2e-state-")));
  const stateDir = join(stateRoot, "state");
  const configFile = join(dir, "canopy.yaml");
  writeFileSync(join(dir, "listener.ts"), LISTENER);
  writeFileSync(join(dir, "printer.ts"), PRINTER);
  const socketPath = resolvePaths({ configFile, env: { CANOPY_STATE_DIR: stateDir } }).socketPath;

  const project: TempProject = {
    dir,
    stateDir,
    configFile,
    socketPath,
    writeConfig(c) {
      writeFileSync(configFile, typeof c === "string" ? c : `${JSON.stringify(c, null, 2)}\n`);
    },
    writeFile(name, text) {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    },
    listener(port, marker) {
      return { cmd: [BUN, join(dir, "listener.ts"), ...(marker ? [`--marker=${marker}`] : [])], port };
    },
    printer(lines = 30) {
      return { cmd: [BUN, join(dir, "printer.ts"), String(lines)] };
    },
    cli(args, opts = {}) {
      return runCli(["-c", configFile, ...args], { cwd: dir, ...opts, stateDir });
    },
    spawn(args) {
      return Bun.spawn([BUN, MAIN, "-c", configFile, ...args], {
        env: cliEnv({ stateDir }),
        cwd: dir,
        stdin: "ignore",
        stdout: "pipe",
        stderr: "pipe",
      });
    },
    async status() {
      const r = await project.cli(["status", "--json"]);
      if (r.code !== 0) throw new Error(`status --json exited ${r.code}: ${r.stderr}`);
      return JSON.parse(r.stdout) as StatusDocument;
    },
    async cleanup() {
      try {
        await project.cli(["down"], { timeoutMs: 30_000 });
      } finally {
        await killMarked(dir);
        // A daemon the test SIGKILLed leaves its cgroups: the machine is left as the test found it.
        await removeSubtree(stateDir);
        rmSync(dir, { recursive: true, force: true });
        rmSync(stateRoot, { recursive: true, force: true });
      }
    },
  };
  project.writeConfig(config);
  return project;
}

/** Runs `canopy ARGS...` with a pseudo-terminal as stdin/stdout/stderr; `output` is everything it wrote (CRLF line ends). */
export async function runCliInTerminal(args: string[], opts: CliOptions = {}): Promise<{ code: number; output: string }> {
  const chunks: Uint8Array[] = [];
  let eof!: () => void;
  const closed = new Promise<void>((resolve) => {
    eof = resolve;
  });
  const p = Bun.spawn([BUN, MAIN, ...args], {
    env: cliEnv(opts),
    cwd: opts.cwd ?? tmpdir(),
    terminal: { cols: 200, rows: 50, data: (_t, data) => void chunks.push(data), exit: () => eof() },
    timeout: opts.timeoutMs ?? 90_000,
    killSignal: "SIGKILL",
  });
  const code = await p.exited;
  await closed;
  p.terminal?.close();
  return { code, output: Buffer.concat(chunks).toString("utf8") };
}
