/** `canopy doctor [-c FILE]`: checks the config, commands, ports, folders and daemon; exit 1 when any check fails. */
import { type Check, formatCheck, summary } from "../../doctor/check.ts";
import { runDoctor } from "../../doctor/run.ts";
import { CanopyError } from "../../errors.ts";
import { versionString } from "../../version.ts";
import type { ParsedArgs } from "../args.ts";
import { choiceOf, type Io } from "../context.ts";
import { colorEnabled, makeColors } from "../style.ts";

export async function doctor(io: Io, args: ParsedArgs): Promise<number> {
  if (args.positionals.length > 0) throw new CanopyError("usage", "canopy doctor takes no arguments (see `canopy help doctor`)");
  const c = makeColors(colorEnabled({ isTTY: io.stdoutTty }, io.env));
  const checks: Check[] = await runDoctor({ explicit: args.config, choice: choiceOf(args), env: io.env, cwd: io.cwd, version: versionString() }, (check) =>
    io.stdout(formatCheck(c, check)),
  );
  io.stdout(summary(checks));
  return checks.some((x) => x.status === "fail") ? 1 : 0;
}
