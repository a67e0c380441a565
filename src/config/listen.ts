/** `host:port` listen addresses (`[::1]:7070` for IPv6) and whether a host is loopback (pure). */

const BRACKETED_RE = /^\[([^\]]+)\]:(\d{1,5})$/;
const PLAIN_RE = /^([^:[\]\s]+):(\d{1,5})$/;
const IPV4_OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const IPV4_RE = new RegExp(`^${IPV4_OCTET}(?:\\.${IPV4_OCTET}){3}$`);
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
  if (bracketed) return ipFamily(host) === 6 ? { host, port } : undefined;
  if (plain && (ipFamily(host) === 4 || HOSTNAME_RE.test(host))) return { host, port };
  return undefined;
}

/** 4 for a dotted-quad IPv4 address, 6 for an IPv6 one (no brackets; a `%zone` allowed), else 0. */
export function ipFamily(host: string): 0 | 4 | 6 {
  if (IPV4_RE.test(host)) return 4;
  const [address = "", zone, extra] = host.split("%");
  if (!address.includes(":") || extra !== undefined || (zone !== undefined && !/^[\w.-]+$/.test(zone))) return 0;
  if (/[[\]/\s]/.test(address)) return 0;
  try {
    new URL(`http://[${address}]/`);
    return 6;
  } catch {
    return 0;
  }
}

/** True for `localhost`, 127.0.0.0/8, `::1` and IPv4-mapped 127.x addresses. */
export function isLoopbackHost(host: string): boolean {
  if (host.toLowerCase() === "localhost") return true;
  const family = ipFamily(host);
  if (family === 4) return host.startsWith("127.");
  if (family !== 6) return false;
  const canonical = new URL(`http://[${host.split("%")[0]}]/`).hostname;
  return canonical === "[::1]" || /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(canonical);
}
