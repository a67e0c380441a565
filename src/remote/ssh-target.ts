/** `-H ssh://[user@]host[:port]` (or a bare `[user@]host` / ~/.ssh/config alias) → what to hand ssh (pure). */
import { CanopyError } from "../errors.ts";

/** One remote machine as ssh is to reach it; `label` is how output names it (the spec as given). */
export interface SshTarget {
  label: string;
  host: string;
  user?: string;
  port?: number;
}

const HOST_RE = /^(?:[A-Za-z0-9_.-]+|\[[0-9A-Fa-f:.]+\])$/;
const USER_RE = /^[A-Za-z0-9_.][A-Za-z0-9_.-]*$/;

/** Parses one `-H` value; anything else than an ssh:// URL or `[user@]host` is a usage error. */
export function parseSshTarget(spec: string): SshTarget {
  const bad = (why: string) => new CanopyError("usage", `-H ${JSON.stringify(spec)}: ${why}; expected ssh://[user@]host[:port] or a host from ~/.ssh/config`);
  let rest = spec;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(spec)) {
    if (!spec.toLowerCase().startsWith("ssh://")) throw bad(`only ssh:// is supported, not ${spec.split("://")[0]}://`);
    rest = spec.slice("ssh://".length).replace(/\/$/, "");
    if (rest.includes("/")) throw bad("a path has no meaning here (name the config with -c)");
  }
  const at = rest.lastIndexOf("@");
  const user = at === -1 ? undefined : decodeURIComponent(rest.slice(0, at));
  let hostPort = at === -1 ? rest : rest.slice(at + 1);
  let port: number | undefined;
  const portMatch = /^(.*?):(\d+)$/.exec(hostPort);
  if (portMatch && (hostPort.startsWith("[") || !portMatch[1]?.includes(":"))) {
    hostPort = portMatch[1] as string;
    port = Number(portMatch[2]);
    if (!Number.isInteger(port) || port < 1 || port > 65_535) throw bad(`port ${portMatch[2]} is not from 1 to 65535`);
  }
  if (user !== undefined && !USER_RE.test(user)) throw bad(`user ${JSON.stringify(user)} is not a valid user name`);
  if (hostPort === "" || !HOST_RE.test(hostPort)) throw bad(`host ${JSON.stringify(hostPort)} is not a host name or address`);
  const host = hostPort.startsWith("[") ? hostPort.slice(1, -1) : hostPort;
  return { label: spec, host, ...(user === undefined ? {} : { user }), ...(port === undefined ? {} : { port }) };
}

/** The hosts of `-H` (each given once), else of $CANOPY_HOST (comma- or space-separated). */
export function hostSpecs(flags: string[] | undefined, env: Record<string, string | undefined>): string[] {
  if (flags !== undefined && flags.length > 0) return flags;
  return (env.CANOPY_HOST ?? "").split(/[\s,]+/).filter((s) => s !== "");
}
