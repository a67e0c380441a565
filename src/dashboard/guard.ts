/** Who may use the dashboard (pure): the session cookie, and for a change, a request from the page's own origin. */

/** The session cookie's name carries the port the dashboard listens on, so two dashboards on one host keep apart. */
export function cookieName(port: number): string {
  return `canopy_dashboard_${port}`;
}

/** The value of cookie `name` in a `Cookie` header, or undefined. */
export function readCookie(header: string | null, name: string): string | undefined {
  if (header === null) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The cookie the first visit sets: never readable by script, never sent with a request from another site. */
export function sessionCookie(name: string, token: string): string {
  return `${name}=${token}; Path=/; HttpOnly; SameSite=Strict`;
}

/**
 * True when `origin` is the origin the browser was talking to (`http://` + its Host header).
 * A page from anywhere else — even one whose name resolves to this host — sends its own origin.
 */
export function isSameOrigin(origin: string | null, host: string | null): boolean {
  if (origin === null || host === null || host === "") return false;
  return origin === `http://${host}` || origin === `https://${host}`;
}

/** Methods that change something: they need the cookie and a same-origin Origin header. */
export function isMutating(method: string): boolean {
  return method !== "GET" && method !== "HEAD";
}
