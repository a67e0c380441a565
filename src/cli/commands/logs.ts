/**
 * `canopy logs [NAME...] [-n N] [-t] [--since T] [--until T] [--grep RE] [--stderr] [--json] [-f]`:
 * a query over the log files (with or without a daemon; the files are the record), merged in
 * time order; `-f` then follows the daemon's stream through the same filter.
 */
import type { DroppedNotice, LogEntry } from "../../api/wire.ts";
import { serviceOf } from "../../config/replicas.ts";
import { CanopyError } from "../../errors.ts";
import { replicaLogsOnDisk } from "../../logs/file-names.ts";
import { type LogFilter, matchesFilter } from "../../logs/filter.ts";
import { formatLocalStamp, NO_STAMP } from "../../logs/local-time.ts";
import { queryLogFiles } from "../../logs/query.ts";
import type { LogRecord } from "../../logs/record.ts";
import { parseTimeBound } from "../../logs/time-bound.ts";
import type { ParsedArgs } from "../args.ts";
import { type Io, openProject, type Project } from "../context.ts";
import { readNdjson } from "../ndjson.ts";
import { colorEnabled, formatLine, makeColors } from "../style.ts";

const DEFAULT_TAIL = 100;
/** Lines written to stdout per write: a query may answer with millions. */
const LINES_PER_WRITE = 4096;

/** A line as printed: a record, or a notice of the daemon's own (stream "canopy") while following. */
type Printed = Omit<LogRecord, "stream"> & { stream: LogRecord["stream"] | "canopy" };

export async function logs(io: Io, args: ParsedArgs): Promise<number> {
  const project = openProject(io, args.config, { daemonOnly: true });
  const { flags } = args;
  const names = args.positionals;
  for (const name of names) {
    if (!project.config.services.some((s) => s.name === serviceOf(name))) {
      throw new CanopyError("unknown_service", `no service named "${name}" in this config`);
    }
  }
  const filter = filterOf(flags, Date.now());
  // A time window shows all of itself; otherwise the last 100 lines, as `tail` would.
  const tail = flags.lines !== undefined ? lineCount(flags.lines) : filter.since === undefined && filter.until === undefined ? DEFAULT_TAIL : undefined;
  // A service with replicas (now or before a scale) logs to one file per replica: `web` reads them all.
  const services = (names.length > 0 ? names : project.config.services.map((s) => s.name)).flatMap((name) => [
    name,
    ...replicaLogsOnDisk(project.paths.logDir, name),
  ]);
  const out = createPrinter(io, flags);
  if (!flags.follow) {
    for (const record of queryLogFiles(project.paths.logDir, { services, filter, tail })) out.print(record);
    out.flush();
    return 0;
  }
  if (!(await project.client.alive())) {
    throw new CanopyError("daemon_not_running", "no daemon is running for this config; `logs -f` needs one (start it with `canopy up -d`)");
  }
  return follow(io, project, names, services, filter, tail, out);
}

/**
 * Subscribes first, then reads the files: a line that arrives in between is in both, and is
 * printed once (it is told by its stamp, service, stream and text; a stream line stamped
 * before the subscription cannot be new).
 */
async function follow(io: Io, project: Project, names: string[], services: string[], filter: LogFilter, tail: number | undefined, out: Printer): Promise<number> {
  const query = new URLSearchParams({ tail: "0", follow: "1" });
  if (names.length > 0) query.set("services", names.join(","));
  const subscribedAt = new Date(Date.now() - 1).toISOString();
  const res = await project.client.stream(`/v1/logs?${query}`);
  const seen = new Map<string, number>();
  for (const record of queryLogFiles(project.paths.logDir, { services, filter, tail })) {
    out.print(record);
    if (record.ts !== null && record.ts >= subscribedAt) seen.set(keyOf(record), (seen.get(keyOf(record)) ?? 0) + 1);
  }
  out.flush();
  await readNdjson<LogEntry | DroppedNotice>(
    res,
    (item) => {
      if ("dropped" in item) {
        io.stderr(`canopy: ${item.dropped} lines dropped while this reader was behind\n`);
        return;
      }
      const record: Printed = { ts: item.at, service: item.service, stream: item.stream, line: item.text };
      const key = keyOf(record);
      const repeats = seen.get(key);
      if (repeats !== undefined) {
        if (repeats <= 1) seen.delete(key);
        else seen.set(key, repeats - 1);
        return;
      }
      // A notice of the daemon's is on neither of the child's streams: it shows unless only stderr is asked for.
      const passes = record.stream === "canopy" ? !filter.stderrOnly && matchesFilter(filter, { ...record, stream: null }) : matchesFilter(filter, record as LogRecord);
      if (passes) {
        out.print(record);
        out.flush();
      }
    },
    () => io.stdoutClosed?.() === true,
  );
  return 0;
}

function keyOf(r: Printed): string {
  return `${r.ts}\u0000${r.service}\u0000${r.stream}\u0000${r.line}`;
}

interface Printer {
  print(record: Printed): void;
  flush(): void;
}

/** Lines for humans (`[name] line`, `-t` adds the local time) or, with `--json`, NDJSON `{ts, service, stream, line}`. */
function createPrinter(io: Io, flags: ParsedArgs["flags"]): Printer {
  const json = flags.json === true;
  const c = makeColors(colorEnabled({ isTTY: io.stdoutTty }, io.env, json));
  const stamps = flags.timestamps === true;
  let pending: string[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    io.stdout(pending.join(""));
    pending = [];
  };
  return {
    print(r) {
      if (json) pending.push(`${JSON.stringify({ ts: r.ts, service: r.service, stream: r.stream, line: r.line })}\n`);
      else {
        const text = formatLine(c, io.stdoutTty, r.service, r.line);
        pending.push(stamps ? `${c.dim(r.ts === null ? NO_STAMP : formatLocalStamp(r.ts))} ${text}` : text);
      }
      if (pending.length >= LINES_PER_WRITE) flush();
    },
    flush,
  };
}

function filterOf(flags: ParsedArgs["flags"], nowMs: number): LogFilter {
  const filter: LogFilter = {};
  const since = stringFlag(flags.since, "--since");
  const until = stringFlag(flags.until, "--until");
  const grep = stringFlag(flags.grep, "--grep");
  if (since !== undefined) filter.since = parseTimeBound(since, nowMs, "--since");
  if (until !== undefined) filter.until = parseTimeBound(until, nowMs, "--until");
  if (filter.since !== undefined && filter.until !== undefined && filter.since > filter.until) {
    throw new CanopyError("usage", `--since (${filter.since}) is after --until (${filter.until})`);
  }
  if (grep !== undefined) {
    try {
      filter.grep = new RegExp(grep);
    } catch (e) {
      throw new CanopyError("usage", `--grep takes a regular expression: ${(e as Error).message}`);
    }
  }
  if (flags.stderr === true) filter.stderrOnly = true;
  return filter;
}

function stringFlag(raw: string | boolean | undefined, name: string): string | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== "string" || raw === "") throw new CanopyError("usage", `${name} needs a value`);
  return raw;
}

function lineCount(raw: string | boolean | undefined): number {
  const n = Number(raw);
  if (typeof raw !== "string" || !/^\d+$/.test(raw) || !Number.isInteger(n) || n > 100_000) {
    throw new CanopyError("usage", `-n takes a whole number from 0 to 100000, got "${raw}"`);
  }
  return n;
}
