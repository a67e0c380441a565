/** `canopy init --name N --cmd C [--port P]`, repeatable, into drafts (pure). */
import { CanopyError } from "../errors.ts";
import { cmdProblem, type Draft, nameProblem, parsePort } from "./draft.ts";

/** The repeated option values, each in command-line order. */
export interface InitFlags {
  name: string[];
  cmd: string[];
  port: string[];
}

/** One draft per --name, paired in order with the --cmd and --port values; usage errors otherwise. */
export function draftsFromFlags(flags: InitFlags): Draft[] {
  const { name, cmd, port } = flags;
  if (name.length === 0 || name.length !== cmd.length) {
    throw new CanopyError("usage", `give each service a --name and a --cmd (got ${name.length} --name, ${cmd.length} --cmd); see \`canopy help init\``);
  }
  if (port.length !== 0 && port.length !== name.length) {
    throw new CanopyError("usage", `give every service a --port, or none (use --port "" for a service without one); got ${port.length} for ${name.length} services`);
  }
  const drafts: Draft[] = [];
  name.forEach((n, i) => {
    const c = cmd[i] ?? "";
    const problem = nameProblem(n, drafts.map((d) => d.name)) ?? cmdProblem(c);
    if (problem) throw new CanopyError("usage", `service ${JSON.stringify(n)}: ${problem}`);
    const parsed = parsePort(port[i] ?? "");
    if ("error" in parsed) throw new CanopyError("usage", `service ${n}: ${parsed.error}`);
    drafts.push({ name: n, cmd: c, ...parsed });
  });
  return drafts;
}
