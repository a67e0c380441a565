/**
 * Programs from Debian that some tests prove behaviour against (promtool, sshd, chromium, …).
 *
 * `requireTool` finds the program; where it is missing and the tests run as root on a machine
 * with apt-get (as CI does), it installs the Debian package that brings it, once; anywhere else
 * it throws an error naming the package to install. A test never skips for a missing tool.
 */
import { existsSync } from "node:fs";

/** Folders searched besides PATH: sbin programs (sshd) are often not on a user's PATH. */
const EXTRA_DIRS = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"];

let aptUpdated = false;

/** Where `program` is, or null. */
export function findTool(program: string): string | null {
  if (program.includes("/")) return existsSync(program) ? program : null;
  const onPath = Bun.which(program);
  if (onPath) return onPath;
  for (const dir of EXTRA_DIRS) {
    const candidate = `${dir}/${program}`;
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

function isRoot(): boolean {
  return typeof process.getuid === "function" && process.getuid() === 0;
}

function run(argv: string[]): { ok: boolean; code: number | null; output: string } {
  const result = Bun.spawnSync(argv, {
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  return { ok: result.exitCode === 0, code: result.exitCode, output: `${result.stdout.toString()}${result.stderr.toString()}` };
}

function aptInstall(debianPackages: string[]): void {
  const names = debianPackages.join(" ");
  if (!aptUpdated) {
    const update = run(["apt-get", "update", "-q"]);
    if (!update.ok) throw new Error(`apt-get update failed (needed to install ${names}):\n${update.output.slice(-2000)}`);
    aptUpdated = true;
  }
  const install = run(["apt-get", "install", "-y", "-q", "--no-install-recommends", ...debianPackages]);
  if (!install.ok) throw new Error(`apt-get install ${names} failed (exit ${install.code}):\n${install.output.slice(-2000)}`);
}

/** Every Debian program some test proves behaviour against, with the package that brings it. */
export const TEST_TOOLS: ReadonlyArray<readonly [program: string, debianPackage: string]> = [
  ["bash", "bash"],
  ["chromium", "chromium"],
  ["curl", "curl"],
  ["docker-compose", "docker-compose"],
  ["nginx", "nginx"],
  ["promtool", "prometheus"],
  ["python3", "python3"],
  ["setsid", "util-linux"],
  ["ssh", "openssh-client"],
  ["ssh-keygen", "openssh-client"],
  ["sshd", "openssh-server"],
  ["systemd-analyze", "systemd"],
  ["tmux", "tmux"],
];

/**
 * Installs, in one apt-get run before any test starts, every package of TEST_TOOLS whose program
 * is missing (root with apt-get only; elsewhere each test's requireTool names what to install).
 * Done up front because an install can take minutes, longer than one test's timeout, and bun
 * kills a test's synchronous child when the test times out.
 */
export function installMissingTestTools(): void {
  if (!isRoot() || !Bun.which("apt-get")) return;
  const missing = [...new Set(TEST_TOOLS.filter(([program]) => findTool(program) === null).map(([, pkg]) => pkg))];
  if (missing.length === 0) return;
  process.stderr.write(`test set-up: installing ${missing.join(", ")} with apt-get\n`);
  aptInstall(missing);
}

/**
 * The path of `program`, installing Debian's `debianPackage` first when it is missing and we
 * may (root with apt-get). Throws, naming the package, when the program cannot be had.
 */
export function requireTool(program: string, debianPackage: string): string {
  const found = findTool(program);
  if (found) return found;
  if (!isRoot() || !Bun.which("apt-get")) {
    throw new Error(
      `this test needs \`${program}\`: install Debian's package \`${debianPackage}\` (apt-get install ${debianPackage}), ` +
        "or run the tests as root on a Debian machine, where they install it themselves",
    );
  }
  aptInstall([debianPackage]);
  const installed = findTool(program);
  if (!installed) throw new Error(`installed ${debianPackage}, but \`${program}\` is still not found`);
  return installed;
}
