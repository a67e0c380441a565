/**
 * A private OpenSSH server on 127.0.0.1 for tests that reach "another machine": its own
 * sshd_config, host key and authorized key in a temp folder, on a free port, and a client
 * config (`ssh -F`) that trusts it. Nothing under /root/.ssh or /etc/ssh is read or written.
 * As root, sshd insists on its privilege-separation folder /run/sshd: made if missing (with a
 * marker file saying so), and removed again by the stop() that finds the marker and no sshd
 * left running — another test run's sshd, or the machine's own, would refuse every new
 * connection without it. Whichever run stops last cleans up, whichever made it.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, LineReader, pidAlive, waitFor } from "./net.ts";
import { requireTool } from "./system-tool.ts";

export interface TestSshd {
  port: number;
  /** The client config to pass with `ssh -F`: key, port-free trust settings for 127.0.0.1. */
  clientConfig: string;
  /** `CANOPY_SSH` for the CLI: `ssh -F <clientConfig>`. */
  sshCommand: string;
  /** `ssh://root@127.0.0.1:<port>` (or whoever runs the tests). */
  url: string;
  stop(): Promise<void>;
}

const PRIVSEP_DIR = "/run/sshd";
/** In PRIVSEP_DIR when a test run made it (sshd minds only the folder's owner and mode). */
const MADE_MARKER = join(PRIVSEP_DIR, ".made-by-canopy-tests");

function keygen(path: string): void {
  const r = Bun.spawnSync([requireTool("ssh-keygen", "openssh-client"), "-q", "-t", "ed25519", "-N", "", "-C", "canopy-test", "-f", path]);
  if (r.exitCode !== 0) throw new Error(`ssh-keygen failed: ${r.stderr.toString()}`);
}

/** Starts sshd; `env` is set for every session (sshd's SetEnv): the remote side's PATH, state folder, … */
export async function startSshd(env: Record<string, string> = {}): Promise<TestSshd> {
  const sshd = requireTool("sshd", "openssh-server");
  requireTool("ssh", "openssh-client");
  if (!existsSync(PRIVSEP_DIR)) {
    mkdirSync(PRIVSEP_DIR, { mode: 0o755 });
    writeFileSync(MADE_MARKER, "");
  }
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "canopy-sshd-")));
  keygen(join(dir, "host_key"));
  keygen(join(dir, "id"));
  writeFileSync(join(dir, "authorized_keys"), await Bun.file(join(dir, "id.pub")).text(), { mode: 0o600 });
  const port = freePort();
  const user = process.env.USER || (process.getuid?.() === 0 ? "root" : Bun.spawnSync(["id", "-un"]).stdout.toString().trim());
  const setEnv = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  writeFileSync(
    join(dir, "sshd_config"),
    [
      `Port ${port}`,
      "ListenAddress 127.0.0.1",
      `HostKey ${dir}/host_key`,
      `PidFile ${dir}/sshd.pid`,
      `AuthorizedKeysFile ${dir}/authorized_keys`,
      "PubkeyAuthentication yes",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "PermitRootLogin prohibit-password",
      "StrictModes no",
      "UsePAM no",
      "AllowStreamLocalForwarding yes",
      // Local forwards only (unix sockets included): "no" refuses direct-streamlocal too.
      "AllowTcpForwarding local",
      "X11Forwarding no",
      "PrintMotd no",
      "LogLevel INFO",
      ...(setEnv.length > 0 ? [`SetEnv ${setEnv.map((kv) => `"${kv}"`).join(" ")}`] : []),
      "",
    ].join("\n"),
  );
  const clientConfig = join(dir, "ssh_config");
  writeFileSync(
    clientConfig,
    [
      "Host *",
      `  IdentityFile ${dir}/id`,
      "  IdentitiesOnly yes",
      "  StrictHostKeyChecking no",
      "  UserKnownHostsFile /dev/null",
      "  BatchMode yes",
      "  ConnectTimeout 10",
      "  LogLevel ERROR",
      "",
    ].join("\n"),
  );
  const proc = Bun.spawn([sshd, "-D", "-e", "-f", join(dir, "sshd_config")], { stdin: "ignore", stdout: "ignore", stderr: "pipe" });
  const log = new LineReader(proc.stderr);
  const seen: string[] = [];
  await waitFor(async () => {
    const line = await log.next(20_000);
    seen.push(line);
    return line.includes(`Server listening on 127.0.0.1 port ${port}`);
  }, `sshd listening on ${port} (it said: ${seen.join(" | ")})`).catch((err) => {
    proc.kill("SIGKILL");
    throw err;
  });
  return {
    port,
    clientConfig,
    sshCommand: `ssh -F ${clientConfig}`,
    url: `ssh://${user}@127.0.0.1:${port}`,
    async stop() {
      proc.kill("SIGTERM");
      await proc.exited;
      await waitFor(() => !pidAlive(proc.pid), "sshd to exit", 5_000);
      rmSync(dir, { recursive: true, force: true });
      if (existsSync(MADE_MARKER) && !sshdRunning()) rmSync(PRIVSEP_DIR, { recursive: true, force: true });
    },
  };
}

/** True while any sshd process (not a zombie) runs on the machine. */
function sshdRunning(): boolean {
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/comm`, "utf8").trim() !== "sshd") continue;
      // The state follows the parenthesised command name: "Z" is a zombie, already gone.
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      if (stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z") return true;
    } catch {
      // exited while we looked
    }
  }
  return false;
}
