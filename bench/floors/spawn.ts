// Floor for fleet start and footprint: a bare Bun program that Bun.spawns every argv in a JSON file
// (each detached, stdout/stderr piped and drained), serves HTTP on a unix socket if given, prints "ready",
// and idles until SIGTERM. Usage: spawn SPEC.json [SOCKET]   where SPEC.json is string[][]
import { readFileSync } from "node:fs";

const specs = JSON.parse(readFileSync(process.argv[2] ?? "", "utf8")) as string[][];
const children = specs.map((argv) => Bun.spawn(argv, { stdin: "ignore", stdout: "pipe", stderr: "pipe", detached: true }));
for (const c of children) {
  void (async () => {
    for await (const _ of c.stdout) {
    }
  })();
  void (async () => {
    for await (const _ of c.stderr) {
    }
  })();
}
const sock = process.argv[3];
if (sock) Bun.serve({ unix: sock, fetch: () => Response.json({ services: children.map((c) => ({ pid: c.pid })) }) });
console.log("ready");
process.on("SIGTERM", () => {
  for (const c of children) {
    try {
      process.kill(-c.pid, "SIGKILL");
    } catch {}
  }
  process.exit(0);
});
setInterval(() => {}, 1 << 30);
