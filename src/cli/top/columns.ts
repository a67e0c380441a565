/** The service table's columns and how they narrow to fit the terminal. No I/O. */

export type ColumnId = "name" | "status" | "pid" | "uptime" | "restarts" | "cpu" | "cpuSpark" | "mem" | "memSpark" | "ready" | "why";

export interface Column {
  id: ColumnId;
  header: string;
  /** Right-aligned (numbers). */
  right?: boolean;
}

/** Every column, in the order they are drawn. */
export const COLUMNS: readonly Column[] = [
  { id: "name", header: "NAME" },
  { id: "status", header: "STATUS" },
  { id: "pid", header: "PID", right: true },
  { id: "uptime", header: "UPTIME", right: true },
  { id: "restarts", header: "RESTARTS", right: true },
  { id: "cpu", header: "CPU", right: true },
  { id: "cpuSpark", header: "CPU 1m" },
  { id: "mem", header: "MEM", right: true },
  { id: "memSpark", header: "MEM 1m" },
  { id: "ready", header: "READY" },
  { id: "why", header: "WHY" },
];

/** A sparkline's width when there is room: five seconds a character. */
export const SPARK_WIDTH = 12;
const SPARK_MIN = 6;
const WHY_MIN = 20;
const NAME_MIN = 6;
/** Columns between two cells. */
export const GAP = 1;

/**
 * How the table gives way, step by step, until it fits: WHY truncates first (down to
 * WHY_MIN), then the sparklines narrow, then they go (memory's first), then WHY goes, then
 * READY and RESTARTS, then NAME is cut. Each step either narrows a column or drops it (0).
 */
const STEPS: readonly { id: ColumnId; to: number | "min" }[] = [
  { id: "why", to: WHY_MIN },
  { id: "memSpark", to: SPARK_MIN },
  { id: "cpuSpark", to: SPARK_MIN },
  { id: "memSpark", to: 0 },
  { id: "cpuSpark", to: 0 },
  { id: "why", to: 0 },
  { id: "ready", to: 0 },
  { id: "restarts", to: 0 },
  { id: "uptime", to: 0 },
  { id: "name", to: "min" },
];

/**
 * Each column's width (0: not drawn) for a terminal `width` columns wide, given the widest
 * content of each column (headers included by the caller or not: a column is never narrower
 * than its header unless it is dropped).
 */
export function fitColumns(contentWidths: Partial<Record<ColumnId, number>>, width: number): Record<ColumnId, number> {
  const widths = {} as Record<ColumnId, number>;
  for (const col of COLUMNS) {
    const content = contentWidths[col.id] ?? 0;
    const natural = col.id === "cpuSpark" || col.id === "memSpark" ? SPARK_WIDTH : content;
    widths[col.id] = Math.max(col.header.length, natural);
  }
  for (const step of STEPS) {
    const over = total(widths) - width;
    if (over <= 0) break;
    const floor = step.to === "min" ? NAME_MIN : step.to;
    const current = widths[step.id];
    if (current <= floor) continue;
    // Narrow only as far as needed; a narrowing below the header's width drops the column instead.
    const target = Math.max(floor, current - over);
    widths[step.id] = target === 0 || target >= headerOf(step.id).length || step.to === "min" ? target : floor;
  }
  return widths;
}

/** The width a row takes: the drawn columns plus a gap between each two. */
export function total(widths: Record<ColumnId, number>): number {
  const drawn = COLUMNS.filter((c) => widths[c.id] > 0);
  return drawn.reduce((sum, c) => sum + widths[c.id], 0) + Math.max(0, drawn.length - 1) * GAP;
}

function headerOf(id: ColumnId): string {
  return COLUMNS.find((c) => c.id === id)?.header ?? "";
}
