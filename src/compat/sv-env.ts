/** supervisord's `environment = KEY="val",KEY2=val` as a mapping, with its quoting rules (shlex-style) (pure). */

/**
 * Pairs separated by commas; a value may be quoted with `"` or `'` (needed for commas, spaces and other
 * non-alphanumerics) and whitespace, newlines included, may surround each pair. A message (string) when malformed.
 */
export function parseSupervisorEnv(text: string): Record<string, string> | string {
  const env = new Map<string, string>();
  let i = 0;
  const skipSpace = () => {
    while (i < text.length && /\s/.test(text[i] as string)) i++;
  };
  while (true) {
    skipSpace();
    if (i >= text.length) break;
    const key = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))?.[0];
    if (key === undefined) return `expected KEY="value" at ${JSON.stringify(text.slice(i, i + 20))}`;
    i += key.length;
    skipSpace();
    if (text[i] !== "=") return `expected = after ${key}`;
    i++;
    skipSpace();
    let value = "";
    while (i < text.length && text[i] !== ",") {
      const ch = text[i] as string;
      if (ch === '"' || ch === "'") {
        const end = text.indexOf(ch, i + 1);
        if (end < 0) return `no closing quote in the value of ${key}`;
        value += text.slice(i + 1, end);
        i = end + 1;
      } else if (/\s/.test(ch)) {
        skipSpace();
        if (i < text.length && text[i] !== ",") return `the value of ${key} has a space outside quotes; quote it: ${key}="…"`;
      } else {
        value += ch;
        i++;
      }
    }
    env.set(key, value);
    i++;
  }
  return Object.fromEntries(env);
}
