/** Human text for config problems, and the one CanopyError that carries them. */
import { CanopyError } from "../errors.ts";
import type { ConfigProblem } from "./types.ts";

/** `canopy.yaml:12: service "api", field "restart_delay": expected …` (parts left out when unknown). */
export function formatProblem(display: string, problem: ConfigProblem): string {
  const where = problem.line === undefined ? display : `${display}:${problem.line}`;
  const subject = [
    problem.service === undefined ? undefined : `service ${JSON.stringify(problem.service)}`,
    problem.field === "" ? undefined : `field ${JSON.stringify(problem.field)}`,
  ].filter((part) => part !== undefined);
  return subject.length === 0 ? `${where}: ${problem.message}` : `${where}: ${subject.join(", ")}: ${problem.message}`;
}

/**
 * A message lists at most this many problems: a mistake repeated across a generated config of
 * 1,000 services would otherwise scroll 2,000 lines past the first one. `details` keeps them all.
 */
export const LISTED_PROBLEMS = 20;

/** One CanopyError("invalid_config") listing the problems (the first LISTED_PROBLEMS); `details` has the absolute `file` and every one of the `problems`. */
export function configError(file: string, display: string, problems: ConfigProblem[]): CanopyError {
  const lines = problems.slice(0, LISTED_PROBLEMS).map((p) => formatProblem(display, p));
  const more = problems.length - lines.length;
  if (more > 0) lines.push(`… and ${more} more`);
  const message = problems.length === 1 ? (lines[0] ?? "") : `${display}: ${problems.length} problems\n${lines.map((l) => `  ${l}`).join("\n")}`;
  return new CanopyError("invalid_config", message, { file, problems });
}
