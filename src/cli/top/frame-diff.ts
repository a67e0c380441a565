/** Turning one frame into the next with as few bytes as possible: only the rows, and the part of a row, that changed. No I/O. */
import { charWidth } from "./width.ts";

/** A whole screen: one string per terminal row, each already cut to the terminal's width. */
export type Frame = readonly string[];

const CSI = "\x1b[";
// biome-ignore lint: matching SGR escape sequences
const SGR = /^\x1b\[([0-9;]*)m/;

/** One character cell: the text drawn there, its width, and the SGR codes in force for it. */
interface Cell {
  ch: string;
  w: number;
  sgr: string;
}

/**
 * The bytes that turn `prev` into `next` on the terminal. For each row that differs, only the
 * stretch between the first and the last changed cell is rewritten (from the first change to
 * the row's end, clearing after it, when the row's width changed): a clock ticking from 12s to
 * 13s costs a cursor move and a character, not the row. With no `prev` (first frame, a resize,
 * Ctrl-L) the screen is cleared and every row written. Identical frames give "".
 */
export function diffFrames(prev: Frame | undefined, next: Frame): string {
  let out = prev === undefined ? `${CSI}H${CSI}2J` : "";
  for (let row = 0; row < next.length; row++) {
    const line = next[row] as string;
    if (prev === undefined) {
      if (line !== "") out += `${CSI}${row + 1};1H${line}${CSI}0m${CSI}K`;
      continue;
    }
    const old = prev[row] ?? "";
    if (old !== line) out += diffRow(row, cells(old), cells(line));
  }
  if (prev !== undefined) {
    // Rows the new frame no longer has (it got shorter) are cleared.
    for (let row = next.length; row < prev.length; row++) if (prev[row] !== "") out += `${CSI}${row + 1};1H${CSI}K`;
  }
  return out;
}

function diffRow(row: number, a: Cell[], b: Cell[]): string {
  let start = 0;
  while (start < a.length && start < b.length && same(a[start] as Cell, b[start] as Cell)) start++;
  const col = b.slice(0, start).reduce((sum, c) => sum + c.w, 0);
  const widthA = a.reduce((sum, c) => sum + c.w, 0);
  const widthB = b.reduce((sum, c) => sum + c.w, 0);
  let end = b.length;
  let clear = true;
  if (widthA === widthB) {
    // Same width: what follows the last change is already on screen, in the same columns.
    let ia = a.length;
    let ib = b.length;
    while (ib > start && ia > start && same(a[ia - 1] as Cell, b[ib - 1] as Cell)) {
      ia--;
      ib--;
    }
    end = ib;
    clear = false;
  }
  if (start >= end && !clear) return "";
  let out = `${CSI}${row + 1};${col + 1}H`;
  let sgr = "";
  for (let i = start; i < end; i++) {
    const c = b[i] as Cell;
    if (c.sgr !== sgr) {
      out += `${CSI}0m${c.sgr}`;
      sgr = c.sgr;
    }
    out += c.ch;
  }
  if (sgr !== "") out += `${CSI}0m`;
  return clear ? `${out}${CSI}K` : out;
}

function same(x: Cell, y: Cell): boolean {
  return x.ch === y.ch && x.sgr === y.sgr;
}

/** A row's cells, each with the canonical SGR of the attributes in force for it ("" for none). */
function cells(line: string): Cell[] {
  const out: Cell[] = [];
  const attrs = new Map<string, string>();
  let sgr = "";
  let i = 0;
  while (i < line.length) {
    if (line[i] === "\x1b") {
      const m = SGR.exec(line.slice(i, i + 32));
      if (m) {
        applySgr(attrs, m[1] as string);
        sgr = canonical(attrs);
        i += m[0].length;
        continue;
      }
    }
    const cp = line.codePointAt(i) ?? 0;
    const ch = String.fromCodePoint(cp);
    i += ch.length;
    const w = charWidth(cp);
    // A zero-width mark belongs to the cell before it.
    const last = out[out.length - 1];
    if (w === 0 && last) last.ch += ch;
    else out.push({ ch, w, sgr });
  }
  return out;
}

/** Attribute slot → the code that sets it; the codes that clear each slot. */
const SLOT_OF: Record<string, string> = { "1": "weight", "2": "weight", "3": "italic", "4": "underline", "7": "inverse", "9": "strike" };
const CLEARS: Record<string, string[]> = { "22": ["weight"], "23": ["italic"], "24": ["underline"], "27": ["inverse"], "29": ["strike"], "39": ["fg"], "49": ["bg"] };

function applySgr(attrs: Map<string, string>, params: string): void {
  for (const code of params === "" ? ["0"] : params.split(";")) {
    const n = Number(code);
    if (n === 0) attrs.clear();
    else if (SLOT_OF[code]) attrs.set(SLOT_OF[code] as string, code);
    else if (CLEARS[code]) for (const slot of CLEARS[code] as string[]) attrs.delete(slot);
    else if ((n >= 30 && n <= 37) || (n >= 90 && n <= 97)) attrs.set("fg", code);
    else if ((n >= 40 && n <= 47) || (n >= 100 && n <= 107)) attrs.set("bg", code);
  }
}

/** The same attributes always give the same string, however they were set. */
function canonical(attrs: Map<string, string>): string {
  if (attrs.size === 0) return "";
  return `${CSI}${[...attrs.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, code]) => code).join(";")}m`;
}
