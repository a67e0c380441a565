/** An INI file read as supervisord reads it (Python's ConfigParser, supervisord's settings): sections, keys, lines (pure). */
import type { ConfigProblem } from "../config/types.ts";

/** One `key = value`, key lower-cased as ConfigParser does; a value continued on indented lines keeps them, joined by "\n". */
export interface IniEntry {
  value: string;
  /** 1-based line of the key. */
  line: number;
}

/** One `[name]` section and its keys, in file order. */
export interface IniSection {
  name: string;
  line: number;
  entries: Map<string, IniEntry>;
}

const SECTION_RE = /^\[([^\]]+)\]$/;
/** `;` or `#` after whitespace starts a comment (supervisord's inline comments need the space: `a=b;c` keeps `;c`). */
const INLINE_COMMENT_RE = /[ \t][;#].*$/;

/** Sections of `text`; lines it cannot read and repeated sections or keys are problems (ConfigParser refuses them too). */
export function parseIni(text: string): { sections: IniSection[]; problems: ConfigProblem[] } {
  const sections: IniSection[] = [];
  const problems: ConfigProblem[] = [];
  let section: IniSection | undefined;
  let last: IniEntry | undefined;
  text.replace(/^\uFEFF/, "").split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const trimmed = raw.trim();
    if (trimmed === "" || trimmed.startsWith(";") || trimmed.startsWith("#")) {
      if (trimmed === "") last = undefined;
      return;
    }
    const text = raw.replace(INLINE_COMMENT_RE, "");
    if (/^[ \t]/.test(raw) && last !== undefined) {
      last.value = `${last.value}\n${text.trim()}`;
      return;
    }
    const header = SECTION_RE.exec(text.trim());
    if (header) {
      const name = (header[1] as string).trim();
      const first = sections.find((s) => s.name === name);
      if (first !== undefined) problems.push({ field: `[${name}]`, line, message: `section written twice (first on line ${first.line}); merge them` });
      section = { name, line, entries: new Map() };
      if (first === undefined) sections.push(section);
      last = undefined;
      return;
    }
    const at = text.search(/[=:]/);
    if (at <= 0) {
      problems.push({ field: "", line, message: `expected "key = value" or a [section] header, got ${JSON.stringify(trimmed.length > 40 ? `${trimmed.slice(0, 40)}…` : trimmed)}` });
      last = undefined;
      return;
    }
    const key = text.slice(0, at).trim().toLowerCase();
    if (section === undefined) {
      problems.push({ field: key, line, message: "a key before any [section] header" });
      return;
    }
    const earlier = section.entries.get(key);
    if (earlier !== undefined) {
      problems.push({ field: `[${section.name}].${key}`, line, message: `written twice in [${section.name}] (first on line ${earlier.line}); remove one` });
      last = undefined;
      return;
    }
    last = { value: text.slice(at + 1).trim(), line };
    section.entries.set(key, last);
  });
  return { sections, problems };
}
