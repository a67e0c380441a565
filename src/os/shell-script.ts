/**
 * What canopy reads of a service's `/bin/sh -c SCRIPT` (a `cmd` written as one line): its first
 * program, and whether the script is one plain command the shell can hand its process to. Pure.
 */

/** Shell words that are not programs to look up. */
const SHELL_WORDS = new Set([
  ".", ":", "[", "alias", "break", "case", "cd", "command", "continue", "echo", "eval", "exec", "exit", "export", "false", "for",
  "if", "printf", "read", "return", "set", "shift", "source", "test", "trap", "true", "ulimit", "umask", "unset", "until", "wait", "while",
]);

/** A `NAME=value` word before a command. */
const NAME_VALUE = "[A-Za-z_][A-Za-z0-9_]*=\\S*";
const ASSIGNMENT = new RegExp(`^${NAME_VALUE}$`);
/** The leading `NAME=value` words of a script, with the spaces after each. */
const LEADING_ASSIGNMENTS = new RegExp(`^\\s*(?:${NAME_VALUE}\\s+)*`);
/** A program word is a plain one: no quoting, expansion, glob or operator. */
const NOT_PLAIN = /[$`'"\\(){};|&<>*?~]/;
/**
 * What makes a script more than one command: separators, pipes, background, subshells,
 * substitutions, negation, a second line. (A `{ …; }` group has its `;`; a `{}` argument is plain text.)
 */
const COMPOUND = /[\n;&|()`!]/;

/** The program a `/bin/sh -c` script starts with (after `VAR=value` words and `exec`), or undefined when that is not a plain word. */
export function scriptProgram(script: string): string | undefined {
  const words = script.trim().split(/\s+/);
  let i = 0;
  while (i < words.length && ASSIGNMENT.test(words[i] ?? "")) i++;
  if (words[i] === "exec") i++;
  const word = words[i];
  if (word === undefined || word === "" || NOT_PLAIN.test(word) || SHELL_WORDS.has(word)) return undefined;
  return word;
}

/**
 * `script` with `exec` put before its command when it is one plain command, else as given.
 * dash, Debian's /bin/sh, does not replace itself with a script's last command: the shell would
 * stay as the service's process, between canopy and the program — one more process per
 * service, and the first to get a `reload_signal` (a SIGHUP ends a waiting shell, which reads
 * as the service exiting). With `exec`, the program takes the shell's pid.
 */
export function execInPlace(script: string): string {
  const bare = outsideQuotes(script);
  if (bare === undefined || COMPOUND.test(bare)) return script;
  // Inserted into the line as written, after any assignments: the shell still does all the parsing.
  const at = LEADING_ASSIGNMENTS.exec(script)?.[0].length ?? 0;
  // An assignment whose value is quoted may hold spaces: where it ends is the shell's to say.
  if (/['"\\`]/.test(script.slice(0, at))) return script;
  // The command word, its quotes removed: a builtin or keyword stays in the shell.
  const word = (/^\S+/.exec(script.slice(at))?.[0] ?? "").replace(/['"]/g, "");
  if (word === "" || word === "exec" || SHELL_WORDS.has(word) || NOT_PLAIN.test(word) || word.includes("=")) return script;
  return `${script.slice(0, at)}exec ${script.slice(at)}`;
}

/**
 * The characters of `script` that the shell reads as syntax: quoted text ('…', "…") and
 * backslash-escaped characters left out, so `nginx -g 'daemon off;'` is one command. Undefined
 * when a quote is left open.
 */
function outsideQuotes(script: string): string | undefined {
  let out = "";
  for (let i = 0; i < script.length; i++) {
    const c = script[i];
    if (c === "\\") i++;
    else if (c === "'") {
      i = script.indexOf("'", i + 1);
      if (i < 0) return undefined;
    } else if (c === '"') {
      i++;
      while (i < script.length && script[i] !== '"') i += script[i] === "\\" ? 2 : 1;
      if (i >= script.length) return undefined;
    } else out += c;
  }
  return out;
}

/** `cmd` to spawn: a `/bin/sh -c SCRIPT` whose script is one plain command runs it in the shell's place (see execInPlace). */
export function shellInPlace(cmd: string[]): string[] {
  const [shell, flag, script] = cmd;
  if (cmd.length !== 3 || shell !== "/bin/sh" || flag !== "-c" || script === undefined) return cmd;
  const replaced = execInPlace(script);
  return replaced === script ? cmd : [shell, flag, replaced];
}
