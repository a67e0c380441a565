/** A line scan of YAML text that finds where each block-mapping key sits; no full YAML parse, best effort. */
import { bracketBalance } from "./bracket-balance.ts";

/** One `key:` found in the text: its path from the root, 1-based line, and whether it repeats a sibling. */
export interface KeyLine {
  path: string[];
  line: number;
  /** Set when an earlier sibling in the same mapping has the same key (the later one wins when parsed). */
  duplicateOf?: number;
}

const INDENT_RE = /^( *)((?:- +)*)(.*)$/;
const KEY_RE = /^(?:"((?:[^"\\]|\\.)*)"|'((?:[^']|'')*)'|([^\s#"'{}[\],&*!|>%@`?][^#]*?))[ \t]*:(?:[ \t]+(.*)|$)/;
const BLOCK_SCALAR_RE = /^[|>][-+0-9]*\s*(#.*)?$/;

interface Frame {
  indent: number;
  key: string;
  siblings: Map<string, number>;
}

/** Every block-mapping key in `text`, in order. Keys inside flow collections (`{ a: 1 }`) are not listed. */
export function yamlKeyLines(text: string): KeyLine[] {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const out: KeyLine[] = [];
  const frames: Frame[] = [];
  let skipDeeperThan = -1; // inside a block scalar (`|`/`>`) opened by a key at this indent
  let openBrackets = 0; // inside a flow collection that spans lines
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? "";
    const [, spaces = "", dashes = "", rest = ""] = INDENT_RE.exec(raw) ?? [];
    if (openBrackets > 0) {
      openBrackets += bracketBalance(raw, "yaml");
      continue;
    }
    if (rest.trim() === "" || rest.startsWith("#")) continue;
    if (skipDeeperThan >= 0 && spaces.length > skipDeeperThan && dashes === "") continue;
    skipDeeperThan = -1;
    if (spaces.length === 0 && dashes === "" && /^(---|\.\.\.)(\s|$)/.test(rest)) {
      frames.length = 0;
      continue;
    }
    const match = KEY_RE.exec(rest);
    if (!match) continue;
    const key = match[1] ?? (match[2] === undefined ? (match[3] ?? "").trim() : match[2].replace(/''/g, "'"));
    const value = (match[4] ?? "").trim();
    const indent = spaces.length + dashes.length;
    const line = i + 1;
    while (frames.length > 0 && (frames.at(-1)?.indent ?? -1) > indent) frames.pop();
    const top = frames.at(-1);
    let duplicateOf: number | undefined;
    if (top && top.indent === indent && dashes === "") {
      duplicateOf = key === "<<" ? undefined : top.siblings.get(key);
      if (duplicateOf === undefined) top.siblings.set(key, line);
      top.key = key;
    } else {
      if (top && top.indent === indent) frames.pop();
      frames.push({ indent, key, siblings: new Map([[key, line]]) });
    }
    out.push({ path: frames.map((f) => f.key), line, ...(duplicateOf === undefined ? {} : { duplicateOf }) });
    if (BLOCK_SCALAR_RE.test(value)) skipDeeperThan = indent;
    else if (value.startsWith("[") || value.startsWith("{")) openBrackets = Math.max(0, bracketBalance(value, "yaml"));
  }
  return out;
}
