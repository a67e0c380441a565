/** What every export target produces: files to write, and what it could not carry over (pure). */
import type { CanopyConfig } from "../config/types.ts";

/** The engines `canopy export --to` writes for. */
export const EXPORT_TARGETS = ["systemd", "kubernetes", "compose"] as const;
export type ExportTarget = (typeof EXPORT_TARGETS)[number];

/** One output file: a bare file name (no folder) and its text. */
export interface ExportFile {
  name: string;
  text: string;
}

/** The files, in a stable order, and one `reason: what, what` entry per kind of setting left out. */
export interface ExportResult {
  files: ExportFile[];
  unmapped: string[];
}

/** Inputs every target reads: the loaded config, the stack's name and the `--image` fallback. */
export interface ExportInput {
  config: CanopyConfig;
  /** Names the systemd target and labels the Kubernetes objects. */
  stack: string;
  /** Used for services without `image:`. */
  image?: string;
}

/** Collects what a target leaves out, grouped by why, in first-seen order (so output is deterministic). */
export function createGaps(): { add: (why: string, what: string) => void; list: () => string[] } {
  const byWhy = new Map<string, string[]>();
  return {
    add(why, what) {
      const list = byWhy.get(why) ?? [];
      if (!list.includes(what)) list.push(what);
      byWhy.set(why, list);
    },
    list: () => [...byWhy].map(([why, what]) => `${what.join(", ")} (${why})`),
  };
}
