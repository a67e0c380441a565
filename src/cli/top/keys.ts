/** What a key press means in top: terminal input bytes → keys → actions. No I/O. */

export type Key =
  | "up"
  | "down"
  | "pageup"
  | "pagedown"
  | "home"
  | "end"
  | "enter"
  | "escape"
  | "backspace"
  | "tab"
  | "ctrl-c"
  | "ctrl-l"
  | { char: string };

/** What top is doing with the keyboard: moving around, answering y/n, or typing a log filter. */
export type InputMode = "normal" | "confirm" | "filter" | "help";

export type Action =
  | { type: "quit" }
  | { type: "move"; by: number }
  | { type: "moveTo"; where: "first" | "last" }
  | { type: "toggleLogs" }
  | { type: "allLogs" }
  | { type: "closeLogs" }
  | { type: "scrollLogs"; by: "pageUp" | "pageDown" | "oldest" | "newest" }
  | { type: "start" }
  | { type: "stop" }
  | { type: "restart" }
  | { type: "reload" }
  | { type: "help" }
  | { type: "closeHelp" }
  | { type: "filter" }
  | { type: "filterInput"; text: string }
  | { type: "filterBackspace" }
  | { type: "filterDone"; keep: boolean }
  | { type: "answer"; yes: boolean }
  | { type: "redraw" }
  | { type: "none" };

/** Every key top knows in normal mode, for the help screen and the README. */
export const KEY_HELP: readonly [keys: string, what: string][] = [
  ["↑/↓  k/j", "select a service"],
  ["Enter", "open (or close) the log pane for the selected service"],
  ["a", "log pane with every service's lines, merged"],
  ["PgUp/PgDn  g/G", "scroll the log pane back / forward; g to its oldest line, G follows again"],
  ["/", "filter the log pane (Enter keeps the filter, Esc clears it)"],
  ["Esc", "close the log pane (or the help, or clear the status line)"],
  ["s", "start the selected service"],
  ["x", "stop the selected service (asks y/n)"],
  ["r", "restart the selected service"],
  ["R", "reload the config: shows the plan, then asks y/n"],
  ["Ctrl-L", "redraw the whole screen"],
  ["?", "the help: every key"],
  ["q  Ctrl-C", "quit"],
];

const ESCAPES: Record<string, Key> = {
  "\x1b[A": "up",
  "\x1bOA": "up",
  "\x1b[B": "down",
  "\x1bOB": "down",
  "\x1b[5~": "pageup",
  "\x1b[6~": "pagedown",
  "\x1b[H": "home",
  "\x1bOH": "home",
  "\x1b[1~": "home",
  "\x1b[F": "end",
  "\x1bOF": "end",
  "\x1b[4~": "end",
};

/** Splits one read from a raw-mode terminal into keys; unknown escape sequences are dropped. */
export function parseKeys(input: string): Key[] {
  const keys: Key[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i] as string;
    if (ch === "\x1b") {
      const seq = /^\x1b(?:\[[0-9;]*[A-Za-z~]|O[A-Za-z])/.exec(input.slice(i));
      if (seq) {
        const key = ESCAPES[seq[0]];
        if (key) keys.push(key);
        i += seq[0].length;
        continue;
      }
      keys.push("escape");
      i++;
      continue;
    }
    i++;
    if (ch === "\r" || ch === "\n") keys.push("enter");
    else if (ch === "\x03") keys.push("ctrl-c");
    else if (ch === "\x0c") keys.push("ctrl-l");
    else if (ch === "\x7f" || ch === "\b") keys.push("backspace");
    else if (ch === "\t") keys.push("tab");
    else if (ch >= " ") {
      // A character outside the BMP is two UTF-16 units: keep them together.
      const cp = input.codePointAt(i - 1) ?? 0;
      const char = String.fromCodePoint(cp);
      if (char.length === 2) i++;
      keys.push({ char });
    }
  }
  return keys;
}

/** The action a key means in `mode`. Ctrl-C quits from every mode. */
export function keyAction(key: Key, mode: InputMode): Action {
  if (key === "ctrl-c") return { type: "quit" };
  if (key === "ctrl-l") return { type: "redraw" };
  const char = typeof key === "object" ? key.char : undefined;
  switch (mode) {
    case "confirm":
      if (char === "y" || char === "Y") return { type: "answer", yes: true };
      if (char === "n" || char === "N" || key === "escape" || char === "q") return { type: "answer", yes: false };
      return { type: "none" };
    case "filter":
      if (key === "enter") return { type: "filterDone", keep: true };
      if (key === "escape") return { type: "filterDone", keep: false };
      if (key === "backspace") return { type: "filterBackspace" };
      if (char !== undefined) return { type: "filterInput", text: char };
      return { type: "none" };
    case "help":
      if (char === "q") return { type: "quit" };
      return { type: "closeHelp" };
    case "normal":
      return normalAction(key, char);
  }
}

function normalAction(key: Key, char: string | undefined): Action {
  switch (key) {
    case "up":
      return { type: "move", by: -1 };
    case "down":
      return { type: "move", by: 1 };
    case "home":
      return { type: "moveTo", where: "first" };
    case "end":
      return { type: "moveTo", where: "last" };
    case "enter":
      return { type: "toggleLogs" };
    case "escape":
      return { type: "closeLogs" };
    case "pageup":
      return { type: "scrollLogs", by: "pageUp" };
    case "pagedown":
      return { type: "scrollLogs", by: "pageDown" };
  }
  switch (char) {
    case "k":
      return { type: "move", by: -1 };
    case "j":
      return { type: "move", by: 1 };
    case "g":
      return { type: "scrollLogs", by: "oldest" };
    case "G":
      return { type: "scrollLogs", by: "newest" };
    case "a":
      return { type: "allLogs" };
    case "/":
      return { type: "filter" };
    case "s":
      return { type: "start" };
    case "x":
      return { type: "stop" };
    case "r":
      return { type: "restart" };
    case "R":
      return { type: "reload" };
    case "?":
      return { type: "help" };
    case "q":
      return { type: "quit" };
  }
  return { type: "none" };
}
