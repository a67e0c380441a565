/** A probe in words for the page: `http :8080/livez every 5s` (pure). */
import { formatDuration } from "../cli/describe.ts";
import type { ProbeConfig } from "../config/index.ts";

export function probeWords(probe: ProbeConfig | undefined): string | null {
  if (!probe) return null;
  const c = probe.check;
  const what =
    c.kind === "tcp" ? `tcp port ${c.port}` : c.kind === "http" ? `http ${shortUrl(c.url)}` : c.kind === "exec" ? `exec ${c.cmd.join(" ")}` : c.kind === "log" ? `log /${c.pattern}/` : "notify";
  return c.kind === "notify" || c.kind === "log" ? what : `${what} every ${formatDuration(probe.intervalMs)}`;
}

/** A URL on this host without its host (`:8080/livez`): the card is narrow. */
function shortUrl(url: string): string {
  try {
    const u = new URL(url);
    return ["127.0.0.1", "localhost", "[::1]"].includes(u.hostname) ? `:${u.port || (u.protocol === "https:" ? 443 : 80)}${u.pathname}${u.search}` : url;
  } catch {
    return url;
  }
}
