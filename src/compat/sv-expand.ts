/** supervisord's `%(name)s` expansions in a value: Python %-formatting over a few names (pure). */

const EXPANSION_RE = /%(?:%|\(([^)]*)\)([-#0 +]*)(\d*)([sd]))/g;

/**
 * `value` with `%(name)s` / `%(name)02d` replaced from `vars` and `%%` made `%`; a message (string) naming the
 * first name that has no value. `%(ENV_X)s` reads `vars.ENV_X`, which the caller fills from the environment.
 */
export function expandValue(value: string, vars: Readonly<Record<string, string | number | undefined>>): string | { error: string } {
  let error: string | undefined;
  const out = value.replace(EXPANSION_RE, (whole, name: string | undefined, flags: string, width: string, type: string) => {
    if (name === undefined) return "%";
    const v = vars[name];
    if (v === undefined) {
      error ??= name.startsWith("ENV_")
        ? `${whole} names the environment variable ${name.slice(4)}, which is not set`
        : `${whole}: no such expansion here (known: ${Object.keys(vars).filter((k) => !k.startsWith("ENV_")).map((k) => `%(${k})s`).join(", ")}, %(ENV_NAME)s)`;
      return whole;
    }
    if (type === "d" && typeof v !== "number" && !/^-?\d+$/.test(v)) {
      error ??= `${whole} wants a number, but ${name} is ${JSON.stringify(v)}`;
      return whole;
    }
    const text = type === "d" ? String(Number(v)) : String(v);
    const size = width === "" ? 0 : Number(width);
    if (flags.includes("-")) return text.padEnd(size, " ");
    if (flags.includes("0") && type === "d") return text.startsWith("-") ? `-${text.slice(1).padStart(size - 1, "0")}` : text.padStart(size, "0");
    return text.padStart(size, " ");
  });
  return error === undefined ? out : { error };
}
