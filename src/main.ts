#!/usr/bin/env bun
/** The `canopy` executable: the only place that exits the process. */
import { processIo } from "./cli/context.ts";
import { runCli } from "./cli/run.ts";

// No top-level await: the executable is bundled as CommonJS (see build.ts).
void runCli(process.argv.slice(2), processIo()).then(async (code) => {
  // Let piped output drain before exiting.
  await new Promise<void>((resolve) => process.stdout.write("", () => resolve()));
  process.exit(code);
});
