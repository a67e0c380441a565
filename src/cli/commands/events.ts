/** `canopy events [-n N] [-f] [--json]`: what happened to the services, oldest first. */
import type { DroppedNotice, EventEntry } from "../../api/wire.ts";
import { CanopyError } from "../../errors.ts";
import type { ParsedArgs } from "../args.ts";
import { type Io, openDaemon } from "../context.ts";
import { readNdjson } from "../ndjson.ts";
import { escapeControls } from "../style.ts";

export async function events(io: Io, args: ParsedArgs): Promise<number> {
  const project = openDaemon(io, args.config);
  const n = countOf(args.flags.lines);
  const json = args.flags.json === true;
  const print = (e: EventEntry) => io.stdout(json ? `${JSON.stringify(e)}\n` : `${formatEvent(e, io.stdoutTty)}\n`);
  if (!args.flags.follow) {
    const { events } = await project.client.call<{ events: EventEntry[] }>("GET", `/v1/events?tail=${n}`);
    for (const e of events) print(e);
    return 0;
  }
  const res = await project.client.stream(`/v1/events?tail=${n}&follow=1`);
  await readNdjson<EventEntry | DroppedNotice>(res, (item) => {
    if (!("dropped" in item)) print(item);
    else if (json) io.stdout(`${JSON.stringify(item)}\n`);
    else io.stderr(`canopy: ${item.dropped} events dropped while this reader was behind\n`);
  }, () => io.stdoutClosed?.() === true);
  return 0;
}

/** `<time> <service> <type> [pid N] [exit CODE [SIGNAL]] [in Nms] [after N crashes] [reason]`. */
export function formatEvent(e: EventEntry, tty = false): string {
  const parts = [e.at, e.service, e.type];
  if (e.pid !== undefined) parts.push(`pid ${e.pid}`);
  if (e.type === "exited") {
    const code = e.exit_code === null || e.exit_code === undefined ? "" : ` ${e.exit_code}`;
    parts.push(`exit${code}${e.signal ? ` ${e.signal}` : ""}`);
  }
  if (e.delay_ms !== undefined) parts.push(`in ${e.delay_ms}ms`);
  if (e.crashes !== undefined) parts.push(`after ${e.crashes} crashes`);
  if (e.reason) parts.push(`— ${e.reason}`);
  const line = parts.join(" ");
  return tty ? escapeControls(line) : line;
}

function countOf(raw: string | boolean | undefined): number {
  if (raw === undefined || typeof raw === "boolean") return 100;
  const n = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(n) || n > 100_000) throw new CanopyError("usage", `-n takes a whole number from 0 to 100000, got "${raw}"`);
  return n;
}
