/** Public surface of export: one config → files for another engine. */
import { toCompose } from "./compose.ts";
import { toKubernetes } from "./kubernetes.ts";
import { toSystemd } from "./systemd.ts";
import type { ExportInput, ExportResult, ExportTarget } from "./types.ts";

export { EXPORT_TARGETS, type ExportFile, type ExportInput, type ExportResult, type ExportTarget } from "./types.ts";

/** The files `target` needs to run the stack, and what it leaves out. */
export function exportStack(target: ExportTarget, input: ExportInput): ExportResult {
  switch (target) {
    case "systemd":
      return toSystemd(input);
    case "kubernetes":
      return toKubernetes(input);
    case "compose":
      return toCompose(input);
  }
}
