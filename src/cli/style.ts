/** How the CLI writes: colour decided once, terminal-safe text, coloured service prefixes. */
import type { createColors } from "picocolors";

export type Colors = ReturnType<typeof createColors>;

/** Colour only on a TTY, never with NO_COLOR or for machine output. */
export function colorEnabled(stream: { isTTY?: boolean }, env: Record<string, string | undefined>, json = false): boolean {
  return Boolean(stream.isTTY) && env.NO_COLOR === undefined && !json;
}

export function makeColors(enabled: boolean): Colors {
  // Required here, not imported: picocolors reads process.stdout.isTTY as it loads, which opens
  // the stream a daemon never needs (see std-output.ts).
  const picocolors = require("picocolors") as typeof import("picocolors");
  return picocolors.createColors(enabled);
}

const PALETTE = ["cyan", "magenta", "yellow", "green", "blue", "red"] as const;

/** A stable colour per service name. */
export function servicePrefix(c: Colors, name: string): string {
  let h = 0;
  for (const ch of name) h = (h * 31 + (ch.codePointAt(0) ?? 0)) >>> 0;
  const color = PALETTE[h % PALETTE.length] ?? "cyan";
  return c[color](`[${name}]`);
}

/**
 * Makes child output safe to print on a terminal: control characters (ESC, BEL, CR, …)
 * are shown as `\xNN` so a service cannot move the cursor or rewrite what we print.
 */
export function escapeControls(text: string): string {
  // biome-ignore lint: control characters are the point here
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

/** Formats one line of a service for humans: coloured prefix on a TTY, controls escaped there. */
export function formatLine(c: Colors, tty: boolean, service: string, text: string): string {
  return `${servicePrefix(c, service)} ${tty ? escapeControls(text) : text}\n`;
}
