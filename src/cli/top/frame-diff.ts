/** Turning one frame into the next with as few bytes as possible: only the lines that changed. No I/O. */

/** A whole screen: one string per terminal row, each already cut to the terminal's width. */
export type Frame = readonly string[];

const CSI = "\x1b[";

/**
 * The bytes that turn `prev` into `next` on the terminal: for each row that differs, move
 * there, write it, clear the rest of the row. With no `prev` (first frame, after a resize or
 * Ctrl-L) the screen is cleared and every row written. Identical frames give "".
 */
export function diffFrames(prev: Frame | undefined, next: Frame): string {
  let out = prev === undefined ? `${CSI}H${CSI}2J` : "";
  for (let row = 0; row < next.length; row++) {
    const line = next[row] as string;
    if (prev !== undefined && prev[row] === line) continue;
    if (prev === undefined && line === "") continue;
    out += `${CSI}${row + 1};1H${line}${CSI}0m${CSI}K`;
  }
  if (prev !== undefined) {
    // Rows the new frame no longer has (it got shorter) are cleared.
    for (let row = next.length; row < prev.length; row++) if (prev[row] !== "") out += `${CSI}${row + 1};1H${CSI}K`;
  }
  return out;
}
