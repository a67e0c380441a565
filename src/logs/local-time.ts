/** How `logs -t` shows a stamp: local time to the ms, `2026-12-05 04:12:00.123`. Pure: no I/O. */

/** `iso` (RFC 3339 UTC) in the zone `offsetMinutes` east of UTC; by default the local zone at that instant. */
export function formatLocalStamp(iso: string, offsetMinutes?: number): string {
  const ms = Date.parse(iso);
  const east = offsetMinutes ?? -new Date(ms).getTimezoneOffset();
  // Shifted, then read as UTC: the fields are those of the wanted zone.
  return new Date(ms + east * 60_000).toISOString().slice(0, 23).replace("T", " ");
}

/** Blank space as wide as a stamp, for a line that has none. */
export const NO_STAMP = " ".repeat(23);
