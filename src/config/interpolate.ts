/**
 * `${NAME}`, `${NAME:-default}` and `$$` in one config string (pure: the variables are looked up
 * through the function given). As in docker compose: `:-` also replaces an empty value, `$$` is
 * a literal `$`, and any other `$` (a shell's `$HOME`, `$1`) is left as written.
 */

/** A variable's value, undefined when it is not set. */
export type VariableLookup = (name: string) => string | undefined;

/** The string with every reference replaced, or why it could not be. */
export type Interpolated = { ok: true; value: string } | { ok: false; message: string };

const REFERENCE_RE = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([^]*))?$/;

/** Replaces the references in `text`; the first one that cannot be resolved makes it fail. */
export function interpolate(text: string, lookup: VariableLookup): Interpolated {
  if (!text.includes("$")) return { ok: true, value: text };
  let out = "";
  let i = 0;
  while (i < text.length) {
    const dollar = text.indexOf("$", i);
    if (dollar < 0) break;
    out += text.slice(i, dollar);
    const next = text[dollar + 1];
    if (next === "$") {
      out += "$";
      i = dollar + 2;
      continue;
    }
    if (next !== "{") {
      out += "$";
      i = dollar + 1;
      continue;
    }
    const close = text.indexOf("}", dollar + 2);
    if (close < 0) return { ok: false, message: `unterminated \${ at "${excerpt(text.slice(dollar))}": close it with }, or write $$ for a literal $` };
    const inner = text.slice(dollar + 2, close);
    const ref = REFERENCE_RE.exec(inner);
    if (!ref) return { ok: false, message: `invalid variable reference \${${inner}}: expected \${NAME} or \${NAME:-default} (write $$ for a literal $)` };
    const name = ref[1] as string;
    const fallback = ref[2];
    const value = lookup(name);
    if (value !== undefined && (fallback === undefined || value !== "")) out += value;
    else if (fallback !== undefined) out += fallback;
    else return { ok: false, message: `variable ${name} is not set (\${${name}}): set it in the environment canopy runs in, or give a default: \${${name}:-value}` };
    i = close + 1;
  }
  return { ok: true, value: out + text.slice(i) };
}

function excerpt(text: string): string {
  return text.length > 30 ? `${text.slice(0, 30)}…` : text;
}
