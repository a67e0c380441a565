/** What a service name may look like. */

/**
 * A valid service name: letters of either case, digits, `_` and `-`, starting with a letter or digit, at most
 * 63 chars — safe as a file name (`logs/<name>.log`) and a URL segment. A dot stays reserved for replicas (`web.2`).
 */
export const SERVICE_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

/** The rule in words, for messages. */
export const SERVICE_NAME_RULE = 'letters, digits, "_" and "-", starting with a letter or digit, at most 63 characters';

/** True when `name` is a valid service name. */
export function isValidServiceName(name: string): boolean {
  return SERVICE_NAME_RE.test(name);
}

/**
 * Names that differ from an earlier one only in case (`Web` after `web`), each with the earlier one: their log
 * files would be one file on a case-insensitive disk (macOS, Windows).
 */
export function caseClashes(names: Iterable<string>): { name: string; earlier: string }[] {
  const seen = new Map<string, string>();
  const clashes: { name: string; earlier: string }[] = [];
  for (const name of names) {
    const folded = name.toLowerCase();
    const earlier = seen.get(folded);
    if (earlier === undefined) seen.set(folded, name);
    else if (earlier !== name) clashes.push({ name, earlier });
  }
  return clashes;
}
