import { expect, test } from "bun:test";
import { type ColumnId, fitColumns, SPARK_WIDTH, total } from "../../../src/cli/top/columns.ts";

const content: Partial<Record<ColumnId, number>> = { name: 8, status: 10, pid: 7, uptime: 5, restarts: 1, cpu: 5, mem: 6, ready: 3, why: 60 };

test("with room, every column has its natural width", () => {
  const w = fitColumns(content, 300);
  expect(w).toMatchObject({ name: 8, status: 10, pid: 7, restarts: 8, cpuSpark: SPARK_WIDTH, memSpark: SPARK_WIDTH, why: 60 });
});

test("WHY truncates first: a little less room only narrows WHY", () => {
  const wide = fitColumns(content, 300);
  const w = fitColumns(content, total(wide) - 10);
  expect(w).toEqual({ ...wide, why: 50 });
});

test("at 80 columns the row fits: the sparklines give way before WHY does, the core columns all stay", () => {
  const w = fitColumns(content, 78);
  expect(total(w)).toBe(78);
  for (const id of ["name", "status", "pid", "uptime", "restarts", "cpu", "mem", "ready"] as const) expect(w[id]).toBeGreaterThan(0);
  expect(w).toMatchObject({ cpuSpark: 0, memSpark: 0 });
  expect(w.why).toBeGreaterThanOrEqual(10);
});

test("very narrow: sparklines and WHY go before status, pid, CPU and memory", () => {
  const w = fitColumns(content, 50);
  expect(total(w)).toBeLessThanOrEqual(50);
  expect(w).toMatchObject({ cpuSpark: 0, memSpark: 0, why: 0 });
  for (const id of ["name", "status", "pid", "cpu", "mem"] as const) expect(w[id]).toBeGreaterThan(0);
});
