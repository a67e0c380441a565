/** One line of a service's log as a query returns it, and as `logs --json` prints it (one per line). */
import type { OutputStream } from "./stamp-index.ts";

export interface LogRecord {
  /** RFC 3339 UTC with ms; null for a line written without a stamp. */
  ts: string | null;
  service: string;
  stream: OutputStream | null;
  line: string;
}
