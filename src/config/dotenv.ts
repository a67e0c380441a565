/** dotenv syntax: `KEY=VALUE`, `export KEY=VALUE`, `#` comments, '…' literal and "…" escaped (possibly multi-line) values. */
import { CanopyError } from "../errors.ts";

const ASSIGN_RE = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=[ \t]*/;
const ESCAPES: Record<string, string> = { n: "\n", r: "\r", t: "\t", "\\": "\\", '"': '"', $: "$" };

/**
 * Parses dotenv text into variables (a later duplicate wins). An unquoted value ends at a `#` that follows
 * whitespace. Throws CanopyError("invalid_config", "line N: …", { line }) on the first malformed line.
 */
export function parseDotenv(text: string): Record<string, string> {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const vars = new Map<string, string>();
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = (lines[i] ?? "").trimStart();
    if (line === "" || line.startsWith("#")) continue;
    const assign = ASSIGN_RE.exec(line);
    if (!assign) fail(lineNo, `expected KEY=VALUE, got ${JSON.stringify(truncate(line))}`);
    const key = assign[1] ?? "";
    let rest = line.slice(assign[0].length);
    const quote = rest[0];
    if (quote !== '"' && quote !== "'") {
      vars.set(key, stripComment(rest));
      continue;
    }
    // A quoted value may run over several lines; gather until the closing quote.
    const startLine = lineNo;
    let close = findClose(rest, quote);
    while (close < 0 && i + 1 < lines.length) {
      rest += "\n" + (lines[++i] ?? "");
      close = findClose(rest, quote);
    }
    if (close < 0) fail(startLine, `unterminated ${quote === '"' ? "double" : "single"}-quoted value for ${key}`);
    const after = rest.slice(close + 1).trim();
    if (after !== "" && !after.startsWith("#")) fail(i + 1, `unexpected text after the closing quote of ${key}: ${JSON.stringify(truncate(after))}`);
    const body = rest.slice(1, close);
    vars.set(key, quote === '"' ? unescape(body) : body);
  }
  return Object.fromEntries(vars);
}

function findClose(text: string, quote: string): number {
  for (let j = 1; j < text.length; j++) {
    if (quote === '"' && text[j] === "\\") j++;
    else if (text[j] === quote) return j;
  }
  return -1;
}

function unescape(body: string): string {
  return body.replace(/\\(.)/gs, (whole, ch: string) => ESCAPES[ch] ?? whole);
}

function stripComment(value: string): string {
  const hash = value.search(/(^|\s)#/);
  return (hash < 0 ? value : value.slice(0, hash)).trim();
}

function truncate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

function fail(line: number, message: string): never {
  throw new CanopyError("invalid_config", `line ${line}: ${message}`, { line });
}
