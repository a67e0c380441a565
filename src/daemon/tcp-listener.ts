/**
 * The optional TCP control listener (`control:` in the config; off by default): the same
 * handler as the unix socket, on `Bun.serve({ hostname, port })`, behind a bearer token.
 *
 * - Every request must carry `Authorization: Bearer <token>`, the token being the trimmed
 *   content of `control.token_file`, read once when the daemon starts. Anything else is
 *   answered 401 `{"error_type":"unauthorized"}` before the handler sees the request.
 * - The comparison is constant-time: both sides are hashed (SHA-256) to equal-length
 *   buffers and compared with `crypto.timingSafeEqual`, so neither the content nor the
 *   length of the expected token leaks through timing.
 * - A non-loopback address is refused unless `allow_non_loopback: true`. The config
 *   validator already enforces this; it is checked again here, at bind, so no other path
 *   to this function can open the API to the network by mistake.
 */
import { readFileSync } from "node:fs";
import { errorResponse } from "../api/handler.ts";
import { SERVER_MAX_REQUEST_BODY_SIZE } from "../api/request-body.ts";
import { tokenDigest, tokenMatches } from "../api/token-compare.ts";
import { isLoopbackHost } from "../config/listen.ts";
import type { ControlConfig } from "../config/types.ts";
import { CanopyError } from "../errors.ts";

export interface TcpListener {
  /** The bound port (the configured one). */
  port: number;
  hostname: string;
  /** Stops accepting; `force` also closes connections in flight (follow streams). */
  stop(force?: boolean): Promise<void>;
}

const BEARER_RE = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/** Starts the listener; throws CanopyError when the address is not allowed, the token unreadable or the port taken. */
export function startTcpListener(control: ControlConfig, handler: (req: Request) => Promise<Response>): TcpListener {
  const { host, port } = control.listen;
  if (!control.allowNonLoopback && !isLoopbackHost(host)) {
    throw new CanopyError(
      "invalid_config",
      `control.listen: ${host} is not a loopback address; set allow_non_loopback: true to serve the API on it`,
      { field: "control.listen" },
    );
  }
  const expected = tokenDigest(readToken(control.tokenFile));
  let server: ReturnType<typeof Bun.serve>;
  try {
    server = Bun.serve({
      hostname: host,
      port,
      maxRequestBodySize: SERVER_MAX_REQUEST_BODY_SIZE,
      fetch: (req, srv) => {
        if (!authorized(req.headers.get("authorization"), expected)) return unauthorized();
        // `logs -f` of a quiet service may send nothing for minutes.
        srv.timeout(req, 0);
        return handler(req);
      },
    });
  } catch (err) {
    throw new CanopyError("start_failed", `cannot listen on ${host}:${port} (control.listen): ${(err as Error).message}`, {
      field: "control.listen",
    });
  }
  return {
    port: server.port ?? port,
    hostname: host,
    stop: async (force = false) => {
      await server.stop(force);
    },
  };
}

function readToken(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new CanopyError("invalid_config", `control.token_file: cannot read ${path}: ${(err as Error).message}`, {
      field: "control.token_file",
    });
  }
  const token = text.trim();
  if (token === "") throw new CanopyError("invalid_config", `control.token_file: ${path} is empty`, { field: "control.token_file" });
  return token;
}

/** True when `header` is `Bearer <token>` with the expected token; constant-time in the token. */
export function authorized(header: string | null, expected: Buffer): boolean {
  const given = header === null ? undefined : BEARER_RE.exec(header)?.[1];
  return tokenMatches(given, expected);
}

function unauthorized(): Response {
  const res = errorResponse(new CanopyError("unauthorized", "missing or wrong bearer token (Authorization: Bearer <token from control.token_file>)"));
  res.headers.set("www-authenticate", 'Bearer realm="canopy"');
  return res;
}
