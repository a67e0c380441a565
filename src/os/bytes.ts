/** Byte counts in words. */

/** Whole MB (of 1024²), one decimal below 10 MB so 1.5 MB does not read as 2: `256 MB`. */
export function megabytes(bytes: number): string {
  const mb = bytes / 1024 ** 2;
  return `${mb < 10 ? Math.round(mb * 10) / 10 : Math.round(mb)} MB`;
}
