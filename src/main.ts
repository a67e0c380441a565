#!/usr/bin/env bun
/** The `canopy` executable: the only place that exits the process. */
import { processIo } from "./cli/process-io.ts";
import { runCli } from "./cli/run.ts";
import { StdOutput } from "./cli/std-output.ts";

const stdout = new StdOutput(1, () => process.stdout);
const stderr = new StdOutput(2, () => process.stderr);

// No top-level await: a command line is answered as soon as runCli settles.
void runCli(process.argv.slice(2), processIo(stdout, stderr)).then(async (code) => {
  // Let output a stream took over drain before exiting.
  await Promise.all([stdout.drained(), stderr.drained()]);
  process.exit(code);
});
