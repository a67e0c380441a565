#!/usr/bin/env bun
/** The `canopy` executable: the only place that exits the process. */
import { processIo } from "./cli/process-io.ts";
import { runCli } from "./cli/run.ts";
import { StdOutput } from "./cli/std-output.ts";
import { versionString } from "./version.ts";

// `canopy --version` (what installers and scripts ask first) is answered before anything
// else runs: console.log writes one short line synchronously, and node:fs, which every other
// output goes through (cli/std-output.ts), is never evaluated.
const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "version")) {
  console.log(versionString());
  process.exit(0);
}

const stdout = new StdOutput(1, () => process.stdout);
const stderr = new StdOutput(2, () => process.stderr);

// No top-level await: a command line is answered as soon as runCli settles.
void runCli(argv, processIo(stdout, stderr)).then(async (code) => {
  // Let output a stream took over drain before exiting.
  await Promise.all([stdout.drained(), stderr.drained()]);
  process.exit(code);
});
