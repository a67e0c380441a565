/**
 * `canopy dashboard [--listen HOST:PORT]`: serves the web dashboard for the config's daemon
 * until Ctrl-C. The dashboard is a client of the daemon's /v1 API over the control socket,
 * like every other command: the daemon gains no listener and keeps nothing for it.
 */
import { serviceOf } from "../../config/replicas.ts";
import type { ServiceView } from "../../api/wire.ts";
import { tokenDigest } from "../../api/token-compare.ts";
import { type CanopyConfig, loadConfigFile } from "../../config/index.ts";
import { pageAssets } from "../../dashboard/assets.ts";
import { graphOf } from "../../dashboard/graph.ts";
import { cookieName } from "../../dashboard/guard.ts";
import { createDashboardHandler, type Upstream } from "../../dashboard/handler.ts";
import { baseUrl, parseDashboardListen } from "../../dashboard/listen.ts";
import { probeWords } from "../../dashboard/probe-words.ts";
import { CanopyError } from "../../errors.ts";
import type { ParsedArgs } from "../args.ts";
import { type Io, openProjectLenient } from "../context.ts";
import { explain } from "../describe.ts";

export async function dashboard(io: Io, args: ParsedArgs): Promise<number> {
  const listen = parseDashboardListen(typeof args.flags.listen === "string" ? args.flags.listen : undefined);
  const project = openProjectLenient(io, args.config);
  if (!(await project.client.alive())) {
    throw new CanopyError("daemon_not_running", `no daemon is running for ${project.file} (start one with \`canopy up -d\`)`);
  }
  let config: CanopyConfig | undefined = project.config;
  const currentConfig = () => {
    // After a reload the daemon runs the file as it is now; a file broken since keeps the last good graph.
    try {
      config = loadConfigFile(project.file);
    } catch {
      // keep the last config that loaded
    }
    return config;
  };
  const socketPath = project.client.socketPath;
  const upstream: Upstream = async (method, path, signal) => {
    try {
      return await fetch(`http://canopy${path}`, { method, unix: socketPath, signal });
    } catch (err) {
      if (signal?.aborted) throw err;
      throw new CanopyError("daemon_not_running", `no daemon is running for ${project.file}`);
    }
  };
  const token = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");
  const assets = pageAssets();
  let handler: (req: Request) => Promise<Response> = async () => new Response(null, { status: 503 });
  let server: ReturnType<typeof Bun.serve>;
  try {
    server = Bun.serve({
      hostname: listen.host,
      port: listen.port,
      fetch: (req, srv) => {
        // The live streams may be quiet for minutes.
        srv.timeout(req, 0);
        return handler(req);
      },
    });
  } catch (err) {
    throw new CanopyError("start_failed", `cannot listen on ${baseUrl(listen.host, listen.port)}: ${(err as Error).message}`);
  }
  const port = server.port ?? listen.port;
  handler = createDashboardHandler({
    expectedToken: tokenDigest(token),
    cookieName: cookieName(port),
    upstream,
    assets,
    why: (s: ServiceView) => explain(s, { config: config?.services.find((c) => c.name === serviceOf(s.name)) }),
    aliveCheck: (name) => probeWords(config?.services.find((c) => c.name === serviceOf(name))?.alive),
    graph: () => graphOf(currentConfig()),
  });
  if (!listen.loopback) {
    io.stderr(
      `canopy: WARNING: the dashboard listens on ${listen.host}, not on loopback: anyone who can reach ${baseUrl(listen.host, port)} ` +
        "and has the token below controls these services (start, stop, restart, reload). Prefer 127.0.0.1 and `ssh -L`.\n",
    );
  }
  io.stderr(`canopy: dashboard for ${project.file}; Ctrl-C stops it. Open:\n`);
  io.stdout(`${baseUrl(listen.host, port)}/?token=${token}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  await server.stop(true);
  return 0;
}
