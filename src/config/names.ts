/** What a service name may look like. */

/** A valid service name: lowercase letters, digits, `_` and `-`, starting with a letter or digit, at most 63 chars. */
export const SERVICE_NAME_RE = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** True when `name` is a valid service name. */
export function isValidServiceName(name: string): boolean {
  return SERVICE_NAME_RE.test(name);
}
