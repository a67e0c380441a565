// Floor for footprint: a bare Bun program doing the I/O a Canopy daemon does, with none of its logic.
// It parses a YAML config, keeps a 0700 state dir with a lock file and an fsynced state.json,
// serves HTTP on a unix socket, Bun.spawns each service detached with stdout and stderr piped
// into its own 0600 log file, and stats the state dir every second. It prints "ready" and idles
// until SIGTERM.
// Usage: daemon-io CONFIG.yaml STATE_DIR   where CONFIG.yaml is `services: {name: {cmd: [argv…]}}`
import { closeSync, fsyncSync, lstatSync, mkdirSync, openSync, renameSync, writeSync } from "node:fs";
import { join } from "node:path";

const [configFile = "", stateDir = ""] = process.argv.slice(2);
const config = Bun.YAML.parse(await Bun.file(configFile).text()) as { services?: Record<string, { cmd: string[] }> } | null;
const services = Object.entries(config?.services ?? {});

mkdirSync(join(stateDir, "logs"), { recursive: true, mode: 0o700 });
const lock = openSync(join(stateDir, "daemon.lock"), "w", 0o600);
writeSync(lock, `${process.pid}\n`);

const children = services.map(([name, { cmd }]) => {
  const log = openSync(join(stateDir, "logs", `${name}.log`), "a", 0o600);
  const child = Bun.spawn(cmd, { stdin: "ignore", stdout: "pipe", stderr: "pipe", detached: true });
  for (const stream of [child.stdout, child.stderr]) {
    void (async () => {
      const reader = stream.getReader();
      for (let r = await reader.read(); !r.done; r = await reader.read()) writeSync(log, r.value);
    })();
  }
  return { name, child };
});

function writeState(): void {
  const file = join(stateDir, "state.json");
  const fd = openSync(`${file}.tmp`, "w", 0o600);
  writeSync(fd, JSON.stringify({ services: Object.fromEntries(children.map((c) => [c.name, { pid: c.child.pid }])) }, null, 2));
  fsyncSync(fd);
  closeSync(fd);
  renameSync(`${file}.tmp`, file);
}
writeState();

Bun.serve({ unix: join(stateDir, "daemon.sock"), fetch: () => Response.json({ services: children.map((c) => ({ name: c.name, pid: c.child.pid })) }) });
setInterval(() => lstatSync(stateDir), 1000);
console.log("ready");
process.on("SIGTERM", () => {
  for (const c of children) {
    try {
      process.kill(-c.child.pid, "SIGKILL");
    } catch {}
  }
  process.exit(0);
});
