/** A SourceChoice written back as the command-line options that make it (pure). */
import type { SourceChoice } from "./types.ts";

/** `-p PORT` / `--env NAME` for what `choice` holds: for a daemon or a service unit to read the file the same way. */
export function choiceArgs(choice: SourceChoice | undefined): string[] {
  return [...(choice?.port === undefined ? [] : ["-p", String(choice.port)]), ...(choice?.env === undefined ? [] : ["--env", choice.env])];
}
