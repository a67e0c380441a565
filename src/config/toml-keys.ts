/** A line scan of TOML text that finds where each table header and `key =` sits; best effort. */
import type { KeyLine } from "./yaml-keys.ts";
import { bracketBalance } from "./bracket-balance.ts";

const HEADER_RE = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$/;
const KEY_RE = /^\s*((?:"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)(?:\s*\.\s*(?:"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+))*)\s*=(.*)$/;
const PART_RE = /"((?:[^"\\]|\\.)*)"|'([^']*)'|([A-Za-z0-9_-]+)/g;

/** Every table header and key assignment in `text`, in order (TOML itself rejects duplicates). */
export function tomlKeyLines(text: string): KeyLine[] {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const out: KeyLine[] = [];
  let table: string[] = [];
  let multiline = ""; // the closing delimiter while inside a multi-line string
  let openBrackets = 0; // inside a multi-line array
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? "";
    if (multiline !== "") {
      if (raw.includes(multiline)) multiline = "";
      continue;
    }
    if (openBrackets > 0) {
      openBrackets += bracketBalance(raw, "toml");
      continue;
    }
    const header = HEADER_RE.exec(raw);
    if (header) {
      table = splitKey(header[1] ?? "");
      out.push({ path: table, line: i + 1 });
      continue;
    }
    const assign = KEY_RE.exec(raw);
    if (!assign) continue;
    out.push({ path: [...table, ...splitKey(assign[1] ?? "")], line: i + 1 });
    const value = (assign[2] ?? "").trim();
    const triple = /^("""|''')/.exec(value)?.[1];
    if (triple !== undefined && !value.slice(3).includes(triple)) multiline = triple;
    else if (value.startsWith("[")) openBrackets = Math.max(0, bracketBalance(value, "toml"));
  }
  return out;
}

function splitKey(dotted: string): string[] {
  return [...dotted.matchAll(PART_RE)].map((m) => m[1] ?? m[2] ?? m[3] ?? "");
}
