/** The dashboard's `--listen HOST:PORT` (pure): like `control.listen`, but port 0 asks for a free port. */
import { isLoopbackHost, type ListenAddress, parseListen } from "../config/listen.ts";
import { CanopyError } from "../errors.ts";

export const DEFAULT_LISTEN: ListenAddress = { host: "127.0.0.1", port: 7474 };

/** Parses `--listen`; throws a usage error naming the accepted forms. */
export function parseDashboardListen(text: string | undefined): ListenAddress & { loopback: boolean } {
  if (text === undefined) return { ...DEFAULT_LISTEN, loopback: true };
  // parseListen refuses port 0; the dashboard takes it to mean "any free port".
  const anyPort = /:0+$/.test(text);
  const parsed = parseListen(anyPort ? text.replace(/:0+$/, ":1") : text);
  if (!parsed) throw new CanopyError("usage", `--listen takes HOST:PORT or [IPV6]:PORT (e.g. 127.0.0.1:7474, or port 0 for a free one), got "${text}"`);
  return { host: parsed.host, port: anyPort ? 0 : parsed.port, loopback: isLoopbackHost(parsed.host) };
}

/** `http://host:port` with IPv6 hosts in brackets. */
export function baseUrl(host: string, port: number): string {
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
}
