/** Fixtures for the orchestration end-to-end tests: one versatile server script, event reading, a follower. */
import type { EventEntry, ServiceView } from "../../src/api/wire.ts";
import { BUN, cliEnv, MAIN, type TempProject } from "../helpers/cli.ts";
import { LineReader, waitFor } from "../helpers/net.ts";

/**
 * An HTTP server on $PORT, steered by its environment:
 * REQUIRE_FLAG: exit 1 at once unless this file exists; REQUIRE_FILE likewise (a migration's output);
 * BIND_DELAY_MS: wait before listening; HEALTHY_AFTER_MS: /healthz answers 503 until then;
 * SICK_FLAG: /livez answers 500 while this file holds this process's pid.
 * `/` answers the pid and $GREETING.
 */
export const SERVER = `import { existsSync, readFileSync } from "node:fs";
const env = process.env;
for (const f of [env.REQUIRE_FLAG, env.REQUIRE_FILE]) {
  if (f && !existsSync(f)) {
    console.error("missing " + f);
    process.exit(1);
  }
}
await Bun.sleep(Number(env.BIND_DELAY_MS ?? 0));
const since = Date.now();
const sick = () => Boolean(env.SICK_FLAG) && existsSync(env.SICK_FLAG) && readFileSync(env.SICK_FLAG, "utf8").trim() === String(process.pid);
const server = Bun.serve({
  port: Number(env.PORT),
  hostname: "127.0.0.1",
  fetch(req) {
    const path = new URL(req.url).pathname;
    if (path === "/healthz") {
      return Date.now() - since < Number(env.HEALTHY_AFTER_MS ?? 0) ? new Response("warming up", { status: 503 }) : new Response("ok");
    }
    if (path === "/livez") return sick() ? new Response("sick", { status: 500 }) : new Response("alive");
    return new Response(process.pid + " " + (env.GREETING ?? ""));
  },
});
console.log("serving pid=" + process.pid + " port=" + server.port);
`;

/** Stays alive doing nothing; prints $GREETING once. */
export const IDLE = `console.log("idle " + (process.env.GREETING ?? ""));
setInterval(() => {}, 1 << 30);
`;

/** Writes fixtures into the project; returns the argv that runs each. */
export function fixtures(p: TempProject): { server: string[]; idle: string[] } {
  return {
    server: [BUN, p.writeFile("server.ts", SERVER)],
    idle: [BUN, p.writeFile("idle.ts", IDLE)],
  };
}

/** `canopy events --json -n 1000`, parsed. */
export async function eventsOf(p: TempProject): Promise<EventEntry[]> {
  const r = await p.cli(["events", "--json", "-n", "1000"]);
  if (r.code !== 0) throw new Error(`events exited ${r.code}: ${r.stderr}`);
  return r.stdout
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as EventEntry);
}

/** Index of the first event of `type` for `service` (after `from`); -1 when there is none. */
export function indexOf(events: EventEntry[], service: string, type: string, from = 0): number {
  const i = events.slice(from).findIndex((e) => e.service === service && e.type === type);
  return i === -1 ? -1 : i + from;
}

/** One service from `status --json`. */
export async function serviceOf(p: TempProject, name: string): Promise<ServiceView> {
  const s = (await p.status()).services.find((x) => x.name === name);
  if (!s) throw new Error(`no service ${name} in status`);
  return s;
}

/** Polls `status --json` until `name` satisfies `cond`; returns that view. */
export async function waitForService(
  p: TempProject,
  name: string,
  cond: (s: ServiceView) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<ServiceView> {
  let last: ServiceView | undefined;
  await waitFor(
    async () => {
      // Not listed yet is "not yet": a service a reload adds appears only once the daemon has reloaded.
      last = (await p.status()).services.find((x) => x.name === name);
      return last !== undefined && cond(last);
    },
    `${name} ${what} (last: ${JSON.stringify(last)})`,
    timeoutMs,
    50,
  );
  return last as ServiceView;
}

/**
 * `canopy events -f --json -n 1` running in the background, once it is following: the one
 * replayed event (there is always one after `up`) proves the subscription is in place.
 * `events()` resolves with everything after it once the stream ends (the daemon is gone).
 */
export async function followEvents(p: TempProject): Promise<{ proc: ReturnType<typeof Bun.spawn>; events: () => Promise<EventEntry[]> }> {
  const proc = Bun.spawn([BUN, MAIN, "-c", p.configFile, "events", "-f", "--json", "-n", "1"], {
    env: cliEnv({ stateDir: p.stateDir }),
    cwd: p.dir,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const lines = new LineReader(proc.stdout as ReadableStream<Uint8Array>);
  await lines.next();
  return {
    proc,
    events: async () => (await lines.rest()).filter((l) => l !== "").map((l) => JSON.parse(l) as EventEntry),
  };
}
