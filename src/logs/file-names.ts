/** Where a service's log files and their stamp indexes are: `<service>.log`, `.log.1`, … and `<service>.idx`, `.idx.1`, … */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { CanopyError } from "../errors.ts";

/** `<dir>/<service>.log` for generation 0, `<dir>/<service>.log.<k>` for older ones. */
export function logPath(dir: string, service: string, generation: number): string {
  if (service === "" || service === "." || service === ".." || /[/\\\0]/.test(service)) {
    throw new CanopyError("internal", `service name ${JSON.stringify(service)} cannot name a log file`);
  }
  return join(dir, generation === 0 ? `${service}.log` : `${service}.log.${generation}`);
}

/**
 * The stamp index of a generation: `<service>.idx`, `<service>.idx.<k>` — beside its log file,
 * named apart from it, so that whatever counts or globs `<service>.log*` sees only the logs.
 */
export function indexPath(dir: string, service: string, generation: number): string {
  logPath(dir, service, generation); // the same check of the name
  return join(dir, generation === 0 ? `${service}.idx` : `${service}.idx.${generation}`);
}

/** Generation numbers ≥ 1 present on disk for `service`. */
export function generationsOnDisk(dir: string, service: string): number[] {
  const prefix = `${service}.log.`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((name) => name.startsWith(prefix) && /^[1-9]\d*$/.test(name.slice(prefix.length)))
    .map((name) => Number(name.slice(prefix.length)));
}

/** The replicas of `service` with a log on disk (`<service>.<i>.log`, rotated ones too), lowest-numbered first. */
export function replicaLogsOnDisk(dir: string, service: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const prefix = `${service}.`;
  const found = new Set<number>();
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const m = /^([1-9]\d*)\.log(?:\.[1-9]\d*)?$/.exec(name.slice(prefix.length));
    if (m) found.add(Number(m[1]));
  }
  return [...found].sort((a, b) => a - b).map((i) => `${service}.${i}`);
}
