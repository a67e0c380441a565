import { expect, test } from "bun:test";
import type { LogEntry } from "../../../src/api/wire.ts";
import { appendLogs, filteredLogs, HISTORY_SAMPLES, initialModel, type LogPane, moveSelection, scrollLogs, withServices } from "../../../src/cli/top/model.ts";
import { serviceView } from "../../helpers/service-view.ts";

test("samples build a history of at most a minute; a statuses-only refetch keeps the last figures for the same process", () => {
  let m = initialModel("/c.yaml");
  for (let i = 0; i < HISTORY_SAMPLES + 5; i++) m = withServices(m, [serviceView("a", { cpu_percent: i, memory_bytes: 100 })], true);
  expect(m.history.get("a")?.cpu).toHaveLength(HISTORY_SAMPLES);
  expect(m.history.get("a")?.cpu.at(-1)).toBe(HISTORY_SAMPLES + 4);
  const same = withServices(m, [serviceView("a")], false);
  expect(same.services[0]).toMatchObject({ cpu_percent: HISTORY_SAMPLES + 4, memory_bytes: 100 });
  const restarted = withServices(m, [serviceView("a", { pid: 999 })], false);
  expect(restarted.services[0]).toMatchObject({ cpu_percent: null, memory_bytes: null });
});

test("the selection follows its service by name, falls back to the first, stops at the ends", () => {
  let m = withServices(initialModel("/c.yaml"), [serviceView("a"), serviceView("b"), serviceView("c")], true);
  expect(m.selected).toBe("a");
  m = moveSelection(m, 5);
  expect(m.selected).toBe("c");
  m = withServices(m, [serviceView("c"), serviceView("a")], false);
  expect(m.selected).toBe("c");
  m = withServices(m, [serviceView("a")], false);
  expect(m.selected).toBe("a");
  expect(moveSelection(m, -3).selected).toBe("a");
});

const line = (service: string, text: string, at: string | null): LogEntry => ({ service, stream: "stdout", text, at });

test("a merged backlog (one service after another) is put in time order; live lines append", () => {
  const pane = { service: null, lines: [], scroll: 0, filter: "", dropped: 0 };
  const merged = appendLogs(pane, [line("a", "a1", "2026-01-01T00:00:01Z"), line("a", "a3", "2026-01-01T00:00:03Z"), line("b", "b2", "2026-01-01T00:00:02Z")]);
  expect(merged.lines.map((l) => l.text)).toEqual(["a1", "b2", "a3"]);
  expect(appendLogs(merged, [line("b", "b4", "2026-01-01T00:00:04Z")]).lines.map((l) => l.text)).toEqual(["a1", "b2", "a3", "b4"]);
});

test("scrolling stays between the oldest line and following; a scrolled view holds still as lines arrive", () => {
  const lines = Array.from({ length: 30 }, (_, i) => line("a", `l${i}`, null));
  let pane: LogPane = { service: "a", lines, scroll: 0, filter: "", dropped: 0 };
  pane = scrollLogs(pane, "pageUp", 10);
  expect(pane.scroll).toBe(9);
  expect(scrollLogs(pane, "oldest", 10).scroll).toBe(20);
  expect(scrollLogs(pane, "pageDown", 10).scroll).toBe(0);
  expect(appendLogs(pane, [line("a", "new", null)]).scroll).toBe(10);
  expect(filteredLogs({ ...pane, filter: "L2" }).map((l) => l.text)).toEqual(["l2", "l20", "l21", "l22", "l23", "l24", "l25", "l26", "l27", "l28", "l29"]);
});
