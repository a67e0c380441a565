/** A run of a child's output lines as the daemon publishes it to followers: cut and decoded only for a follower with room. */
import { Batch } from "../api/follow.ts";
import type { LogEntry } from "../api/wire.ts";
import { forEachLine } from "../supervisor/line-splitter.ts";
import { decodeLine } from "../supervisor/output-line.ts";

export class LogRun extends Batch<LogEntry> {
  /** `bytes`: whole lines, each ending in "\n", `count` of them (the daemon has counted them for the metrics); `at`: the ISO time of the read that brought them. */
  constructor(
    readonly service: string,
    readonly stream: "stdout" | "stderr",
    readonly bytes: Uint8Array,
    readonly count: number,
    readonly at: string,
  ) {
    super();
  }

  forEach(fn: (entry: LogEntry) => boolean): void {
    forEachLine(this.bytes, (line) => fn({ service: this.service, stream: this.stream, text: decodeLine(line), at: this.at }));
  }
}

/** What the daemon's log broadcast carries: a notice or a line read back, or a run of output. */
export type LogItem = LogEntry | LogRun;
