/**
 * Variables in a parsed canopy config: `cmd`, `cwd`, `env` values, `env_file` and `port` of each
 * service go through interpolate(); every other key is taken as written (pure).
 */
import { isMapping } from "./checks.ts";
import { interpolate, type VariableLookup } from "./interpolate.ts";
import type { ConfigProblem } from "./types.ts";

/** The service keys whose strings may hold `${NAME}` references. */
export const INTERPOLATED_KEYS = ["cmd", "cwd", "env", "env_file", "port"] as const;

/**
 * `raw` with the references of every service resolved (a copy; `raw` is not changed), and a
 * problem naming the service and field for each that could not be. A `port` written as a string
 * becomes a number when it resolves to digits.
 */
export function interpolateConfig(raw: unknown, lookup: VariableLookup): { raw: unknown; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  if (!isMapping(raw) || !isMapping(raw.services)) return { raw, problems };
  const services: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(raw.services)) {
    services[name] = isMapping(value) ? interpolateService(value, lookup, (field, message) => problems.push({ service: name, field, message })) : value;
  }
  return { raw: { ...raw, services }, problems };
}

function interpolateService(
  svc: Record<string, unknown>,
  lookup: VariableLookup,
  report: (field: string, message: string) => void,
): Record<string, unknown> {
  const out = { ...svc };
  const text = (value: unknown, field: string): unknown => {
    if (typeof value !== "string") return value;
    const result = interpolate(value, lookup);
    if (result.ok) return result.value;
    report(field, result.message);
    return value;
  };
  if (Array.isArray(svc.cmd)) out.cmd = svc.cmd.map((arg, i) => text(arg, `cmd[${i}]`));
  else if (svc.cmd !== undefined) out.cmd = text(svc.cmd, "cmd");
  if (svc.cwd !== undefined) out.cwd = text(svc.cwd, "cwd");
  if (svc.env_file !== undefined) out.env_file = text(svc.env_file, "env_file");
  if (isMapping(svc.env)) out.env = Object.fromEntries(Object.entries(svc.env).map(([k, v]) => [k, text(v, `env.${k}`)]));
  if (typeof svc.port === "string") {
    const port = text(svc.port, "port");
    out.port = typeof port === "string" && /^\d{1,5}$/.test(port) ? Number(port) : port;
  }
  return out;
}
