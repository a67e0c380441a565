/** Where a service's log files and their stamp indexes are: `<service>.log`, `.log.1`, … and `<file>.idx`. */
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

/** The stamp index of a generation: `<service>.log.idx`, `<service>.log.<k>.idx`. */
export function indexPath(dir: string, service: string, generation: number): string {
  return `${logPath(dir, service, generation)}.idx`;
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
