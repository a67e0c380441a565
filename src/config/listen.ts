/** `host:port` listen addresses (`[::1]:7070` for IPv6) and whether a host is loopback (pure). */
import { isIP } from "node:net";

const BRACKETED_RE = /^\[([^\]]+)\]:(\d{1,5})$/;
const PLAIN_RE = /^([^:[\]\s]+):(\d{1,5})$/;
const HOSTNAME_RE = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** A parsed listen address; `host` has no brackets. */
export interface ListenAddress {
  host: string;
  port: number;
}

/** Parses `host:port` or `[ipv6]:port` (port 1..65535, host an IP or a DNS name); undefined when malformed. */
export function parseListen(text: string): ListenAddress | undefined {
  const bracketed = BRACKETED_RE.exec(text);
  const plain = bracketed ? undefined : PLAIN_RE.exec(text);
  const [, host = "", portText = ""] = bracketed ?? plain ?? [];
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) return undefined;
  if (bracketed) return isIP(host) === 6 ? { host, port } : undefined;
  if (plain && (isIP(host) === 4 || HOSTNAME_RE.test(host))) return { host, port };
  return undefined;
}

/** True for `localhost`, 127.0.0.0/8, `::1` and IPv4-mapped 127.x addresses. */
export function isLoopbackHost(host: string): boolean {
  if (host.toLowerCase() === "localhost") return true;
  const family = isIP(host);
  if (family === 4) return host.startsWith("127.");
  if (family !== 6) return false;
  const canonical = new URL(`http://[${host}]/`).hostname;
  return canonical === "[::1]" || /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(canonical);
}
