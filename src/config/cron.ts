/**
 * `schedule:` — cron expressions and when they next fire. Pure: no Bun, no timers, no process;
 * local time is the process's (its TZ), read through `Date`.
 *
 * Five fields (minute hour day-of-month month day-of-week; `*`, `a`, `a-b`, `*\/n`, `a-b/n`,
 * lists with `,`, month and weekday names, 7 = Sunday), or @hourly, @daily (@midnight),
 * @weekly, @monthly, @yearly (@annually) and @reboot (once, when the daemon starts). As in
 * cron, when both day fields are restricted a day matching either one runs.
 *
 * Daylight-saving changes, as cronie does: a job whose hour is fixed and whose time falls in
 * the hour skipped in spring runs when the clock jumps; in the hour repeated in autumn it runs
 * once. Jobs that run every hour run by the clock as it reads.
 */

export interface Cron {
  /** As written (trimmed). */
  readonly expression: string;
  /** @reboot: runs once when the daemon starts, never on the clock. */
  readonly reboot: boolean;
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly days: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  /** 0 = Sunday. */
  readonly weekdays: ReadonlySet<number>;
  readonly everyHour: boolean;
  readonly anyDay: boolean;
  readonly anyWeekday: boolean;
}

const MACROS: Record<string, string> = {
  "@hourly": "0 * * * *",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@weekly": "0 0 * * 0",
  "@monthly": "0 0 1 * *",
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
};

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: string[];
  /** Where names start counting (1 for months, 0 for weekdays). */
  nameBase?: number;
}

const FIELDS: FieldSpec[] = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: MONTHS, nameBase: 1 },
  { name: "day of week", min: 0, max: 7, names: WEEKDAYS, nameBase: 0 },
];

/** Parses a cron expression; returns the reason in words when it is not one. */
export function parseCron(text: string): Cron | { error: string } {
  const expression = text.trim();
  if (expression === "@reboot") {
    const none = new Set<number>();
    return { expression, reboot: true, minutes: none, hours: none, days: none, months: none, weekdays: none, everyHour: false, anyDay: true, anyWeekday: true };
  }
  const expanded = expression.startsWith("@") ? MACROS[expression.toLowerCase()] : expression;
  if (expanded === undefined) return { error: `unknown macro ${expression}; use @hourly, @daily, @weekly, @monthly, @yearly or @reboot` };
  const parts = expanded.split(/\s+/);
  if (parts.length !== 5) return { error: `expected 5 fields (minute hour day-of-month month day-of-week) or a macro such as @daily, got ${parts.length}` };
  const sets: Set<number>[] = [];
  for (const [i, part] of parts.entries()) {
    const spec = FIELDS[i] as FieldSpec;
    const set = parseField(part, spec);
    if (typeof set === "string") return { error: `${spec.name} field "${part}": ${set}` };
    sets.push(set);
  }
  const [minutes, hours, days, months, weekdays] = sets as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
  if (weekdays.delete(7)) weekdays.add(0);
  return {
    expression,
    reboot: false,
    minutes,
    hours,
    days,
    months,
    weekdays,
    everyHour: hours.size === 24,
    // As in Vixie cron, a day field starting with * does not restrict (so the other one alone decides).
    anyDay: parts[2]?.startsWith("*") === true,
    anyWeekday: parts[4]?.startsWith("*") === true,
  };
}

/** One field: `*`, `n`, `a-b`, each with an optional `/step`, separated by commas. */
function parseField(text: string, spec: FieldSpec): Set<number> | string {
  const out = new Set<number>();
  for (const item of text.split(",")) {
    const m = /^([^/]+)(?:\/(\d+))?$/.exec(item);
    if (!m) return `cannot read "${item}"`;
    const step = m[2] === undefined ? 1 : Number(m[2]);
    if (step < 1) return "a step must be at least 1";
    let lo: number;
    let hi: number;
    if (m[1] === "*") {
      lo = spec.min;
      hi = spec.name === "day of week" ? 6 : spec.max;
    } else {
      const range = (m[1] as string).split("-");
      if (range.length > 2) return `cannot read "${item}"`;
      const a = valueOf(range[0] as string, spec);
      const b = range.length === 2 ? valueOf(range[1] as string, spec) : m[2] === undefined ? a : spec.max;
      if (typeof a === "string") return a;
      if (typeof b === "string") return b;
      if (a > b) return `range ${m[1]} runs backwards`;
      lo = a;
      hi = b;
    }
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

function valueOf(text: string, spec: FieldSpec): number | string {
  const named = spec.names?.indexOf(text.toLowerCase()) ?? -1;
  if (named >= 0) return named + (spec.nameBase ?? 0);
  if (!/^\d+$/.test(text)) return `"${text}" is not a number${spec.names ? " or a name" : ""}`;
  const n = Number(text);
  if (n < spec.min || n > spec.max) return `${n} is outside ${spec.min}–${spec.max}`;
  return n;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** How far ahead to look before calling a schedule one that never fires (Feb 30th). */
const HORIZON = 5 * 366 * 24 * HOUR;

/** The first time after `afterMs` (epoch ms) that `cron` fires, in local time; undefined for @reboot or never. */
export function nextRun(cron: Cron, afterMs: number): number | undefined {
  if (cron.reboot) return undefined;
  let t = Math.floor(afterMs / MINUTE) * MINUTE + MINUTE;
  const limit = afterMs + HORIZON;
  while (t <= limit) {
    const d = new Date(t);
    if (!cron.months.has(d.getMonth() + 1)) {
      t = new Date(d.getFullYear(), d.getMonth() + 1, 1).getTime();
      continue;
    }
    if (!dayMatches(cron, d)) {
      t = new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime();
      continue;
    }
    if (!cron.hours.has(d.getHours())) {
      // To the next hour as the clock reads it, in real time (steps of an hour of real time cross DST right).
      const next = t + (60 - d.getMinutes()) * MINUTE;
      if (!cron.everyHour && skippedMatchingHour(cron, d, new Date(next))) return next;
      t = next;
      continue;
    }
    if (!cron.minutes.has(d.getMinutes())) {
      t += MINUTE;
      continue;
    }
    // The second pass through an hour repeated in autumn: a fixed-hour job ran in the first.
    if (!cron.everyHour && sameWallTime(new Date(t - HOUR), d)) {
      t += MINUTE;
      continue;
    }
    return t;
  }
  return undefined;
}

/** True when `d` is a day `cron` runs on: both day fields, or either one when both are restricted. */
function dayMatches(cron: Cron, d: Date): boolean {
  const dom = cron.days.has(d.getDate());
  const dow = cron.weekdays.has(d.getDay());
  if (cron.anyDay) return dow;
  if (cron.anyWeekday) return dom;
  return dom || dow;
}

/** Between `from` and `to` (an hour of real time apart) the clock skipped hours (spring): does the job run in one? */
function skippedMatchingHour(cron: Cron, from: Date, to: Date): boolean {
  if (from.getDate() !== to.getDate()) return false;
  for (let h = from.getHours() + 1; h < to.getHours(); h++) if (cron.hours.has(h)) return true;
  return false;
}

function sameWallTime(a: Date, b: Date): boolean {
  return a.getHours() === b.getHours() && a.getMinutes() === b.getMinutes() && a.getDate() === b.getDate();
}
