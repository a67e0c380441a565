/** `canopy init [--name N --cmd C [--port P]]... [--force]`: write a canopy.yaml for this folder. */
import { CanopyError } from "../../errors.ts";
import type { Draft } from "../../init/draft.ts";
import { draftsFromFlags } from "../../init/flags.ts";
import { proposeServices } from "../../init/propose.ts";
import { renderConfig } from "../../init/render.ts";
import { scanFolder } from "../../init/scan.ts";
import { runWizard, wizardDone } from "../../init/wizard.ts";
import { existingConfigs, refuseOverwrite, writeConfig } from "../../init/write.ts";
import type { ParsedArgs } from "../args.ts";
import type { Io } from "../context.ts";

/** Flags → services; else, on a terminal, the wizard; else a usage error. */
export async function init(io: Io, args: ParsedArgs): Promise<number> {
  if (args.config !== undefined) throw new CanopyError("usage", "canopy init writes canopy.yaml in the current folder; run it there instead of passing -c");
  if (args.positionals.length > 0) throw new CanopyError("usage", `canopy init takes no arguments (got ${args.positionals.join(" ")}); see \`canopy help init\``);
  const force = args.flags.force === true;
  const existing = existingConfigs(io.cwd);
  if (existing.length > 0 && !force) throw refuseOverwrite(existing);

  const lists = { name: args.lists?.name ?? [], cmd: args.lists?.cmd ?? [], port: args.lists?.port ?? [] };
  let drafts: Draft[] | undefined;
  let interactive = false;
  if (lists.name.length + lists.cmd.length + lists.port.length > 0) drafts = draftsFromFlags(lists);
  else if (!process.stdin.isTTY || !io.stdoutTty) {
    throw new CanopyError(
      "usage",
      "canopy init asks its questions on a terminal; without one, pass --name NAME --cmd CMD [--port N] (repeat the three for more services)",
    );
  } else {
    interactive = true;
    const { proposals, notes } = proposeServices(scanFolder(io.cwd));
    drafts = await runWizard({ dir: io.cwd, proposals, notes });
    if (drafts === undefined) {
      io.stderr("canopy: cancelled; nothing was written\n");
      return 1;
    }
  }
  const file = writeConfig(io.cwd, renderConfig(drafts), force);
  const done = `wrote ${file} (${drafts.length} service${drafts.length === 1 ? "" : "s"}: ${drafts.map((d) => d.name).join(", ")}); start them with \`canopy up\``;
  if (interactive) wizardDone(done);
  else io.stdout(`${done}\n`);
  return 0;
}
