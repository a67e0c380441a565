/** Talks to a daemon over its unix socket. */
import { CanopyError, ERROR_TYPES, type ErrorType } from "../errors.ts";
import type { ErrorBody } from "../api/wire.ts";

/** Every service's status without CPU and memory, which cost the daemon a scan of /proc: for polling. */
export const STATUSES_ONLY = "/v1/services?usage=0";

/** A thin client of the control API; connection failures mean "no daemon". */
export class DaemonClient {
  constructor(
    readonly socketPath: string,
    private readonly configFile: string,
    /**
     * false: a fresh connection per request. A long-lived client (top) must not reuse an idle
     * pooled connection: the daemon's server closes those after its idle timeout, and a request
     * sent on one as it closes fails with ECONNRESET.
     */
    private readonly reuseConnections = true,
  ) {}

  /** Sends one request and returns the parsed JSON body; API errors become CanopyErrors. */
  async call<T>(method: "GET" | "POST", path: string, signal?: AbortSignal): Promise<T> {
    const res = await this.fetch(method, path, signal);
    const body = (await res.json()) as T | ErrorBody;
    if (!res.ok) throw fromErrorBody(body as ErrorBody);
    return body as T;
  }

  /** Sends one GET and returns the body as text (not JSON: `/metrics`); API errors become CanopyErrors. */
  async text(path: string): Promise<string> {
    const res = await this.fetch("GET", path);
    if (!res.ok) throw fromErrorBody((await res.json()) as ErrorBody);
    return res.text();
  }

  /** Opens a streaming response (follow); aborting `signal` ends it. */
  async stream(path: string, signal?: AbortSignal): Promise<Response> {
    const res = await this.fetch("GET", path, signal);
    if (!res.ok) throw fromErrorBody((await res.json()) as ErrorBody);
    return res;
  }

  /** True when a daemon answers on the socket. */
  async alive(): Promise<boolean> {
    try {
      await this.fetch("GET", STATUSES_ONLY);
      return true;
    } catch {
      return false;
    }
  }

  private async fetch(method: string, path: string, signal?: AbortSignal): Promise<Response> {
    try {
      return await fetch(`http://canopy${path}`, { method, unix: this.socketPath, signal, keepalive: this.reuseConnections });
    } catch (err) {
      if (signal?.aborted) throw err;
      throw new CanopyError(
        "daemon_not_running",
        `no daemon is running for ${this.configFile} (start one with \`canopy up -d\`)`,
      );
    }
  }
}

/**
 * The API's error as the CLI's own, keeping its type (so its exit code): a config the daemon
 * refused on reload is `invalid_config`, exit 2, as if the CLI had read it. Unknown types are internal.
 */
function fromErrorBody(body: ErrorBody): CanopyError {
  const known = typeof body.error_type === "string" && Object.hasOwn(ERROR_TYPES, body.error_type);
  const type: ErrorType = known ? (body.error_type as ErrorType) : "internal";
  const { error_type: _t, error_description, ...rest } = body;
  return new CanopyError(type, error_description ?? "request failed", rest);
}
