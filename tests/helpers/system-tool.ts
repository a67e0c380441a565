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

function run(argv: string[]): { ok: boolean; output: string } {
  const result = Bun.spawnSync(argv, {
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  return { ok: result.exitCode === 0, output: `${result.stdout.toString()}${result.stderr.toString()}` };
}

function aptInstall(debianPackage: string): void {
  if (!aptUpdated) {
    const update = run(["apt-get", "update", "-q"]);
    if (!update.ok) throw new Error(`apt-get update failed (needed to install ${debianPackage}):\n${update.output.slice(-2000)}`);
    aptUpdated = true;
  }
  const install = run(["apt-get", "install", "-y", "-q", "--no-install-recommends", debianPackage]);
  if (!install.ok) throw new Error(`apt-get install ${debianPackage} failed:\n${install.output.slice(-2000)}`);
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
  aptInstall(debianPackage);
  const installed = findTool(program);
  if (!installed) throw new Error(`installed ${debianPackage}, but \`${program}\` is still not found`);
  return installed;
}
