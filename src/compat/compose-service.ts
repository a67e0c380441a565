/** One compose `services.<name>` entry → a canopy service's raw settings (pure). */
import { describe, isMapping } from "../config/checks.ts";
import { type ConvertReport, ignoreOthers, within } from "./convert-report.ts";

/** The per-service keys read; everything else (build, volumes, networks, …) is named in the warning. */
export const COMPOSE_SERVICE_KEYS = [
  "image", "command", "environment", "env_file", "ports", "depends_on", "healthcheck", "restart", "stop_signal", "stop_grace_period", "profiles", "deploy",
] as const;

const CONDITIONS: Readonly<Record<string, string>> = {
  service_started: "started",
  service_healthy: "healthy",
  service_completed_successfully: "completed",
};

/** Converts `value`; the report's fields are relative to the service. Undefined when it is not a mapping. */
export function convertComposeService(value: unknown, report: ConvertReport): Record<string, unknown> | undefined {
  if (!isMapping(value)) {
    report.problem("", `expected a mapping with at least command, got ${describe(value)}`);
    return undefined;
  }
  ignoreOthers(value, COMPOSE_SERVICE_KEYS, report);
  const out: Record<string, unknown> = {};
  if (value.command !== undefined) out.cmd = command(value.command, report);
  if (value.environment !== undefined) out.env = environment(value.environment, report);
  if (value.env_file !== undefined) out.env_file = envFile(value.env_file, report);
  if (value.ports !== undefined) out.port = port(value.ports, report);
  if (value.depends_on !== undefined) out.depends_on = dependsOn(value.depends_on, within(report, "depends_on"));
  if (value.healthcheck !== undefined) out.ready = healthcheck(value.healthcheck, within(report, "healthcheck"));
  if (value.restart !== undefined) Object.assign(out, restart(value.restart, report));
  if (value.stop_signal !== undefined) out.stop_signal = value.stop_signal;
  if (value.stop_grace_period !== undefined) out.stop_timeout = value.stop_grace_period;
  if (Array.isArray(value.profiles) && value.profiles.length > 0) {
    out.autostart = false;
    report.note("profiles", "a service in a profile is read as autostart: false");
  }
  if (value.image !== undefined) out.image = value.image;
  if (value.deploy !== undefined) out.replicas = deployReplicas(value.deploy, within(report, "deploy"));
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined));
}

/** `deploy.replicas` → `replicas`; the rest of `deploy` (resources, placement, update_config, …) is named in the warning. */
function deployReplicas(value: unknown, report: ConvertReport): number | undefined {
  if (!isMapping(value)) {
    report.problem("", `expected a mapping, got ${describe(value)}`);
    return undefined;
  }
  ignoreOthers(value, ["replicas"], report);
  const n = value.replicas;
  if (n === undefined || n === 1) return undefined;
  if (typeof n === "number" && Number.isInteger(n) && n > 1) return n;
  report.problem("replicas", `expected a whole number of at least 1, got ${describe(n)}`);
  return undefined;
}

/** compose's `$$` is a literal `$`; a single `$NAME` would be interpolated by compose from the shell, and is kept as written. */
function literal(text: string): string {
  return text.replace(/\$\$/g, "$");
}

/** A list is argv; a string compose splits like a shell would, so it is run by /bin/sh -c. */
function command(value: unknown, report: ConvertReport): unknown {
  if (Array.isArray(value)) return value.map((v) => (typeof v === "string" ? literal(v) : v));
  if (typeof value === "string") {
    report.note("command", "a string is run by /bin/sh -c");
    return literal(value);
  }
  return value;
}

/** A mapping, or a list of `KEY=VALUE`. */
function environment(value: unknown, report: ConvertReport): Record<string, unknown> | undefined {
  const entries: [string, unknown][] = [];
  if (isMapping(value)) entries.push(...Object.entries(value));
  else if (Array.isArray(value)) {
    value.forEach((item: unknown, i) => {
      const eq = typeof item === "string" ? item.indexOf("=") : -1;
      if (typeof item !== "string" || eq <= 0) report.problem(`environment[${i}]`, `expected KEY=VALUE, got ${describe(item)}`);
      else entries.push([item.slice(0, eq), item.slice(eq + 1)]);
    });
  } else {
    report.problem("environment", `expected a mapping or a list of KEY=VALUE strings, got ${describe(value)}`);
    return undefined;
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, typeof v === "string" ? literal(v) : v]));
}

function envFile(value: unknown, report: ConvertReport): unknown {
  const files = Array.isArray(value) ? value : [value];
  if (files.length > 1) report.note("env_file", `only the first of ${files.length} files is read`);
  return files[0];
}

/** The container port of the first entry: short (`"8080:80"`, `80`) or long (`{ target: 80 }`). */
function port(value: unknown, report: ConvertReport): unknown {
  if (!Array.isArray(value) || value.length === 0) {
    report.problem("ports", `expected a list of ports, got ${describe(value)}`);
    return undefined;
  }
  if (value.length > 1) report.note("ports", `only the first of ${value.length} ports is read`);
  const first: unknown = value[0];
  if (isMapping(first)) return first.target;
  if (typeof first === "number") return first;
  const target = typeof first === "string" ? /(?:^|:)(\d+)(?:\/tcp)?$/.exec(first)?.[1] : undefined;
  if (target === undefined) report.problem("ports[0]", `expected a port such as "8080:80", got ${describe(first)}`);
  return target === undefined ? undefined : Number(target);
}

function dependsOn(value: unknown, report: ConvertReport): unknown {
  if (Array.isArray(value)) return value;
  if (!isMapping(value)) {
    report.problem("", `expected a list of names or a mapping of name to condition, got ${describe(value)}`);
    return undefined;
  }
  return Object.fromEntries(
    Object.entries(value).map(([name, dep]) => {
      const condition = isMapping(dep) ? dep.condition : undefined;
      if (condition === undefined) return [name, { condition: "started" }];
      const mapped = typeof condition === "string" ? CONDITIONS[condition] : undefined;
      if (mapped === undefined) report.problem(`${name}.condition`, `expected one of ${Object.keys(CONDITIONS).join(", ")}, got ${describe(condition)}`);
      return [name, { condition: mapped ?? condition }];
    }),
  );
}

const TCP_RE = /^exec 3<>\/dev\/tcp\/127\.0\.0\.1\/(\d+)$/;

/** The healthcheck as the ready probe: what `canopy export` writes for tcp and http is read back as such; any other test as exec. */
function healthcheck(value: unknown, report: ConvertReport): Record<string, unknown> | undefined {
  if (!isMapping(value)) {
    report.problem("", `expected a mapping with test, got ${describe(value)}`);
    return undefined;
  }
  ignoreOthers(value, ["test", "interval", "timeout", "start_period", "retries"], report);
  if (value.retries !== undefined) report.note("retries", "a ready probe is retried until it passes");
  const test = Array.isArray(value.test) ? value.test.map((t) => (typeof t === "string" ? literal(t) : t)) : value.test;
  let check: Record<string, unknown>;
  if (Array.isArray(test) && test[0] === "CMD" && test[1] === "bash" && test[2] === "-c" && test.length === 4 && TCP_RE.test(String(test[3]))) {
    check = { tcp: Number(TCP_RE.exec(String(test[3]))?.[1]) };
  } else if (Array.isArray(test) && test.length === 6 && ["CMD", "curl", "-fsS", "-o", "/dev/null"].every((w, i) => test[i] === w)) {
    check = { http: test[5] };
  } else if (Array.isArray(test) && test[0] === "CMD") check = { exec: test.slice(1) };
  else if (Array.isArray(test) && test[0] === "CMD-SHELL" && test.length === 2) check = { exec: test[1] };
  else if (typeof test === "string") check = { exec: test };
  else {
    report.problem("test", `expected ["CMD", …], ["CMD-SHELL", "…"] or a command line, got ${describe(value.test)}`);
    return undefined;
  }
  const timing = { interval: value.interval, timeout: value.timeout, initial_delay: value.start_period };
  return { ...check, ...Object.fromEntries(Object.entries(timing).filter(([, v]) => v !== undefined)) };
}

/** `no` → never, `always` and `unless-stopped` → always, `on-failure[:N]` → on-failure (N as max_restarts). */
function restart(value: unknown, report: ConvertReport): Record<string, unknown> {
  const text = String(value);
  if (text === "no") return { restart: "never" };
  if (text === "always") return { restart: "always" };
  if (text === "unless-stopped") {
    report.note("restart", "unless-stopped read as always");
    return { restart: "always" };
  }
  const m = /^on-failure(?::(\d+))?$/.exec(text);
  if (m) return { restart: "on-failure", ...(m[1] === undefined ? {} : { max_restarts: Number(m[1]) }) };
  report.problem("restart", `expected no, always, on-failure[:N] or unless-stopped, got ${describe(value)}`);
  return {};
}
