/** Bracket depth of a line of YAML or TOML, for finding where a flow value ends. Pure. */

/**
 * Opening minus closing brackets (`[`/`{` vs `]`/`}`) in `text`, ignoring quoted strings
 * and comments. YAML starts a comment only at a `#` after white space (or at the start);
 * TOML at any `#` outside a string.
 */
export function bracketBalance(text: string, syntax: "yaml" | "toml"): number {
  let depth = 0;
  let quote = "";
  for (let j = 0; j < text.length; j++) {
    const ch = text[j];
    if (quote !== "") {
      if (ch === "\\" && quote === '"') j++;
      else if (ch === quote) quote = "";
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === "#" && (syntax === "toml" || j === 0 || /\s/.test(text[j - 1] ?? ""))) break;
    else if (ch === "[" || ch === "{") depth++;
    else if (ch === "]" || ch === "}") depth--;
  }
  return depth;
}
