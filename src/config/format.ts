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

/** One CanopyError("invalid_config") listing every problem; `details` has the absolute `file` and the `problems`. */
export function configError(file: string, display: string, problems: ConfigProblem[]): CanopyError {
  const lines = problems.map((p) => formatProblem(display, p));
  const message = lines.length === 1 ? (lines[0] ?? "") : `${display}: ${lines.length} problems\n${lines.map((l) => `  ${l}`).join("\n")}`;
  return new CanopyError("invalid_config", message, { file, problems });
}
