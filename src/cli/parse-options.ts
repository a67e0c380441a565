/**
 * node:util's `parseArgs` in strict mode with positionals, for the subset Canopy uses: long and
 * short options, `--name=value`, `-n5`, `-fd` groups, `multiple`, `--`. Pure, and no import:
 * node:util costs every command about 4 ms of cold start (and a daemon 1 MiB) before it has
 * read its first option. Messages are node's, so a usage error reads the same as before.
 */

export type OptionSpec = { type: "boolean" | "string"; short?: string; multiple?: boolean };

export type ParsedOptions = { values: Record<string, string | boolean | string[]>; positionals: string[] };

/** A command line node:util would refuse: `message` is its message. */
export class OptionError extends Error {}

/** Reads argv against options as `parseArgs({ args, options, allowPositionals: true, strict: true })` does. */
export function parseOptions(args: readonly string[], options: Readonly<Record<string, OptionSpec>>): ParsedOptions {
  const values: Record<string, string | boolean | string[]> = {};
  const positionals: string[] = [];
  const byShort = new Map(Object.entries(options).flatMap(([name, spec]) => (spec.short ? [[spec.short, name] as const] : [])));
  const store = (name: string, value: string | boolean) => {
    const spec = options[name] as OptionSpec;
    if (spec.multiple) values[name] = [...((values[name] as string[] | undefined) ?? []), value as string];
    else values[name] = value;
  };
  // A string option's value: the rest of the word, or the next word unless that looks like an option.
  const takeValue = (name: string, shown: string, next: string | undefined): string => {
    if (next === undefined) throw new OptionError(`Option '${describe(name, options)} <value>' argument missing`);
    if (next.startsWith("-") && next !== "-") {
      throw new OptionError(
        `Option '${shown}' argument is ambiguous.\nDid you forget to specify the option argument for '${shown}'?\nTo specify an option argument starting with a dash use ${shown.startsWith("--") ? `'${shown}=-XYZ'` : `'--${name}=-XYZ' or '${shown}-XYZ'`}.`,
      );
    }
    return next;
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      const spec = options[name];
      if (!spec) throw unknown(`--${name}`);
      if (spec.type === "boolean") {
        if (eq !== -1) throw new OptionError(`Option '${describe(name, options)}' does not take an argument`);
        store(name, true);
      } else if (eq !== -1) store(name, arg.slice(eq + 1));
      else store(name, takeValue(name, arg, args[++i]));
      continue;
    }
    if (arg.startsWith("-") && arg !== "-") {
      for (let j = 1; j < arg.length; j++) {
        const short = arg[j] as string;
        const name = byShort.get(short);
        // node names an unknown letter of a group (`-fx`) without its dash.
        if (name === undefined) throw unknown(arg.length > 2 ? short : `-${short}`);
        if ((options[name] as OptionSpec).type === "boolean") {
          store(name, true);
          continue;
        }
        store(name, j + 1 < arg.length ? arg.slice(j + 1) : takeValue(name, `-${short}`, args[++i]));
        break;
      }
      continue;
    }
    positionals.push(arg);
  }
  return { values, positionals };
}

/** "-c, --config" or "--json", as node names an option in its messages. */
function describe(name: string, options: Readonly<Record<string, OptionSpec>>): string {
  const short = options[name]?.short;
  return short ? `-${short}, --${name}` : `--${name}`;
}

function unknown(option: string): OptionError {
  return new OptionError(`Unknown option '${option}'. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- "${option}"`);
}
