/** `canopy logs [NAME...] [-n N] [-f]`: from the daemon, or from the log files when none runs. */
import type { DroppedNotice, LogEntry } from "../../api/wire.ts";
import { tailLogFiles } from "../../daemon/log-files.ts";
import { CanopyError } from "../../errors.ts";
import type { ParsedArgs } from "../args.ts";
import { type Io, openProject, type Project } from "../context.ts";
import { readNdjson } from "../ndjson.ts";
import { colorEnabled, formatLine, makeColors } from "../style.ts";

export async function logs(io: Io, args: ParsedArgs): Promise<number> {
  const project = openProject(io, args.config, { daemonOnly: true });
  const n = lineCount(args.flags.lines);
  const names = args.positionals;
  for (const name of names) {
    if (!project.config.services.some((s) => s.name === name)) {
      throw new CanopyError("unknown_service", `no service named "${name}" in this config`);
    }
  }
  const c = makeColors(colorEnabled({ isTTY: io.stdoutTty }, io.env));
  const print = (e: LogEntry) => io.stdout(formatLine(c, io.stdoutTty, e.service, e.text));
  const alive = await project.client.alive();
  if (args.flags.follow) {
    if (!alive) throw new CanopyError("daemon_not_running", "no daemon is running for this config; `logs -f` needs one (start it with `canopy up -d`)");
    return follow(io, project, names, n, print);
  }
  const wanted = names.length > 0 ? names : project.config.services.map((s) => s.name);
  if (alive) {
    const query = new URLSearchParams({ tail: String(n) });
    if (names.length > 0) query.set("services", names.join(","));
    const { lines } = await project.client.call<{ lines: LogEntry[] }>("GET", `/v1/logs?${query}`);
    for (const e of lines) print(e);
  } else {
    for (const name of wanted) for (const text of tailLogFiles(project.paths.logDir, name, n)) print({ service: name, stream: null, text, at: null });
  }
  return 0;
}

async function follow(io: Io, project: Project, names: string[], n: number, print: (e: LogEntry) => void): Promise<number> {
  const query = new URLSearchParams({ tail: String(n), follow: "1" });
  if (names.length > 0) query.set("services", names.join(","));
  const res = await project.client.stream(`/v1/logs?${query}`);
  await readNdjson<LogEntry | DroppedNotice>(res, (item) => {
    if ("dropped" in item) io.stderr(`canopy: ${item.dropped} lines dropped while this reader was behind\n`);
    else print(item);
  }, () => io.stdoutClosed?.() === true);
  return 0;
}

function lineCount(raw: string | boolean | undefined): number {
  if (raw === undefined || typeof raw === "boolean") return 100;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 100_000) throw new CanopyError("usage", `-n takes a whole number from 0 to 100000, got "${raw}"`);
  return n;
}

