/** The interactive `canopy init`: pick proposed services, edit name, command and port, confirm. */
import { confirm, intro, isCancel, log, multiselect, note, outro, text } from "@clack/prompts";
import { cmdProblem, type Draft, nameProblem, parsePort, uniqueName } from "./draft.ts";
import type { Proposal } from "./propose.ts";
import { renderConfig } from "./render.ts";

/** Thrown by `answer` when a prompt was cancelled (Ctrl-C or Escape). */
class Cancelled extends Error {}

/** The drafts the user settled on, or undefined when they cancelled at any prompt. */
export async function runWizard(opts: { dir: string; proposals: Proposal[]; notes: string[] }): Promise<Draft[] | undefined> {
  try {
    return await ask(opts);
  } catch (err) {
    if (err instanceof Cancelled) return undefined;
    throw err;
  }
}

async function ask({ dir, proposals, notes }: { dir: string; proposals: Proposal[]; notes: string[] }): Promise<Draft[]> {
  intro(`canopy init — a canopy.yaml for ${dir}`);
  for (const n of notes) log.warn(n);
  let picked: Proposal[] = [];
  if (proposals.length > 0) {
    const chosen = answer(
      await multiselect({
        message: "Found these services. Which should Canopy run?",
        options: proposals.map((p, i) => ({ value: i, label: `${p.name}: ${p.cmd}`, hint: p.source })),
        initialValues: proposals.flatMap((p, i) => (p.preselected ? [i] : [])),
        required: false,
      }),
    );
    picked = chosen.map((i) => proposals[i] as Proposal);
  } else {
    log.info("No Procfile or package.json scripts here; describe your first service.");
  }
  const drafts: Draft[] = [];
  for (const p of picked) drafts.push(await editDraft(p, drafts));
  if (drafts.length === 0) drafts.push(await editDraft(undefined, drafts));
  while (answer(await confirm({ message: "Add another service?", initialValue: false }))) drafts.push(await editDraft(undefined, drafts));
  note(renderConfig(drafts).replace(/^#.*\n/gm, "").trimEnd(), "canopy.yaml");
  if (!answer(await confirm({ message: "Write canopy.yaml?", initialValue: true }))) throw new Cancelled();
  return drafts;
}

/** Closes the wizard's frame once the file is written. */
export function wizardDone(message: string): void {
  outro(message);
}

/** Asks for one service's name, command and port, starting from `proposal`. */
async function editDraft(proposal: Draft | undefined, drafts: Draft[]): Promise<Draft> {
  const taken = drafts.map((d) => d.name);
  const name = answer(
    await text({
      message: proposal ? `Name for "${proposal.cmd}"` : "Name of the service",
      initialValue: uniqueName(proposal?.name ?? "app", taken),
      validate: (v) => nameProblem((v ?? "").trim(), taken),
    }),
  ).trim();
  const cmd = answer(
    await text({
      message: `Command for ${name} (run by /bin/sh -c)`,
      initialValue: proposal?.cmd ?? "",
      placeholder: "e.g. python3 -m http.server $PORT",
      validate: (v) => cmdProblem(v ?? ""),
    }),
  ).trim();
  const portText = answer(
    await text({
      message: `Port ${name} listens on (empty for none)`,
      initialValue: proposal?.port === undefined ? "" : String(proposal.port),
      validate: (v) => {
        const parsed = parsePort(v ?? "");
        return "error" in parsed ? parsed.error : undefined;
      },
    }),
  );
  const parsed = parsePort(portText);
  return { name, cmd, ...("error" in parsed ? {} : parsed) };
}

/** The prompt's value; throws Cancelled when the prompt was cancelled. */
function answer<T>(value: T): Exclude<T, symbol> {
  if (isCancel(value)) throw new Cancelled();
  return value as Exclude<T, symbol>;
}
