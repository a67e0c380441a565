/** `canopy export --to systemd|kubernetes|compose [-o DIR] [--image IMAGE] [--force]`. */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadConfigWithWarnings } from "../../config/index.ts";
import { folderSlug } from "../../daemon/paths.ts";
import { CanopyError } from "../../errors.ts";
import { EXPORT_TARGETS, type ExportFile, type ExportTarget, exportStack } from "../../export/index.ts";
import type { ParsedArgs } from "../args.ts";
import { type Io, printWarnings } from "../context.ts";

/**
 * Writes the stack for another engine into DIR (created if missing; existing files kept unless
 * --force), or to stdout, each file after a `# ==> NAME <==` line. What does not map is named in
 * one warning on stderr.
 */
export async function exportCommand(io: Io, args: ParsedArgs): Promise<number> {
  const target = targetOf(args.flags.to);
  if (args.positionals.length > 0) throw new CanopyError("usage", "export takes no names: it writes every service (see `canopy help export`)");
  const { config, warnings } = loadConfigWithWarnings({ explicit: args.config, env: io.env, cwd: io.cwd });
  printWarnings(io, warnings);
  const image = typeof args.flags.image === "string" ? args.flags.image : undefined;
  const { files, unmapped } = exportStack(target, { config, stack: folderSlug(config.file) || "canopy", ...(image ? { image } : {}) });
  const output = typeof args.flags.output === "string" ? args.flags.output : undefined;
  if (output === undefined || output === "-") io.stdout(printed(files, target));
  else writeAll(resolve(io.cwd, output), files, args.flags.force === true, io);
  if (unmapped.length > 0) io.stderr(`canopy: warning: not exported to ${target}: ${unmapped.join("; ")}\n`);
  return 0;
}

function targetOf(value: unknown): ExportTarget {
  if (typeof value !== "string") throw new CanopyError("usage", `name the engine: canopy export --to ${EXPORT_TARGETS.join("|")} [-o DIR]`);
  if (!(EXPORT_TARGETS as readonly string[]).includes(value)) {
    throw new CanopyError("usage", `cannot export to "${value}": choose one of ${EXPORT_TARGETS.join(", ")}`);
  }
  return value as ExportTarget;
}

/** Every file after a `# ==> NAME <==` line; Kubernetes files apart with `---`, so the whole is one YAML stream. */
function printed(files: ExportFile[], target: ExportTarget): string {
  return files.map((f) => `# ==> ${f.name} <==\n${f.text}`).join(target === "kubernetes" ? "---\n" : "\n");
}

function writeAll(dir: string, files: ExportFile[], force: boolean, io: Io): void {
  const existing = files.map((f) => join(dir, f.name)).filter((p) => existsSync(p));
  if (existing.length > 0 && !force) throw new CanopyError("usage", `${existing.join(", ")} already exist${existing.length === 1 ? "s" : ""}; pass --force to overwrite`);
  try {
    mkdirSync(dir, { recursive: true });
    for (const f of files) writeFileSync(join(dir, f.name), f.text);
  } catch (err) {
    throw new CanopyError("internal", `cannot write into ${dir}: ${(err as Error).message}`);
  }
  io.stderr(`canopy: wrote ${files.map((f) => f.name).join(", ")} into ${dir}\n`);
}
