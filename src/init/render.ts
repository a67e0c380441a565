/** The canopy.yaml text `canopy init` writes (pure). */
import type { Draft } from "./draft.ts";

/** A commented canopy.yaml holding `drafts` in order: `cmd` as a shell string, `port` when set. */
export function renderConfig(drafts: Draft[]): string {
  const head = [
    "# canopy.yaml, written by `canopy init`.",
    "# Each service: cmd (a string runs under /bin/sh -c; a list is exec'd directly), and optionally",
    "# port (given to it as PORT; \"running\" waits until it accepts), cwd, env, restart, depends_on, …",
    "# Start them with `canopy up` (foreground) or `canopy up -d`; check the setup with `canopy doctor`.",
  ];
  if (drafts.length === 0) return `${head.join("\n")}\nservices: {}\n`;
  // One block per service keeps file order even for names such as "1", which objects would sort first.
  const blocks = drafts.map((d) => indent(Bun.YAML.stringify({ [d.name]: { cmd: d.cmd, ...(d.port === undefined ? {} : { port: d.port }) } }, null, 2).trimEnd()));
  return `${head.join("\n")}\nservices:\n${blocks.join("\n")}\n`;
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `  ${line}`)
    .join("\n");
}
