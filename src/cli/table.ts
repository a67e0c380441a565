/** Plain-text tables whose columns line up even with colour codes in the cells. */

// biome-ignore lint: matching ANSI colour codes
const ANSI = /\u001b\[[0-9;]*m/g;

/** Left-aligned columns separated by two spaces; the header row first. */
export function formatTable(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => visibleLength(r[i] ?? ""))));
  return all
    .map((r) =>
      r
        .map((cell, i) => (i === r.length - 1 ? cell : cell + " ".repeat((widths[i] ?? 0) - visibleLength(cell))))
        .join("  ")
        .trimEnd(),
    )
    .join("\n")
    .concat("\n");
}

function visibleLength(s: string): number {
  return s.replace(ANSI, "").length;
}
