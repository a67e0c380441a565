/** A command line without its `-H` options, to run as is on the remote machine (pure). */

/** Drops `-H X`, `-HX`, `--host X` and `--host=X`; everything else is kept in order (after `--` too). */
export function withoutHostOptions(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") {
      out.push(...argv.slice(i));
      break;
    }
    if (arg === "-H" || arg === "--host") {
      i++;
      continue;
    }
    if (arg.startsWith("--host=") || (arg.startsWith("-H") && arg.length > 2)) continue;
    out.push(arg);
  }
  return out;
}
