/** A command line split into argv the way Python's shlex.split does (POSIX rules; no shell runs it) (pure). */

/** Words of `line`: quotes group and are removed, `\` escapes outside single quotes; an unclosed quote is a message (string). */
export function splitWords(line: string): string[] | string {
  const words: string[] = [];
  let word: string | undefined;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (quote === "'") {
      if (ch === "'") quote = undefined;
      else word = (word ?? "") + ch;
    } else if (quote === '"') {
      if (ch === '"') quote = undefined;
      else if (ch === "\\" && (line[i + 1] === '"' || line[i + 1] === "\\")) word = (word ?? "") + line[++i];
      else word = (word ?? "") + ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      word ??= "";
    } else if (ch === "\\" && i + 1 < line.length) {
      word = (word ?? "") + line[++i];
    } else if (/\s/.test(ch)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? "") + ch;
    }
  }
  if (quote !== undefined) return `no closing ${quote === "'" ? "single" : "double"} quote`;
  if (word !== undefined) words.push(word);
  return words;
}
