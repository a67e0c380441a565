import { expect, test } from "bun:test";
import type { LogEntry } from "../../../src/api/wire.ts";
import { makeColors } from "../../../src/cli/style.ts";
import { initialModel, type TopModel, withServices } from "../../../src/cli/top/model.ts";
import { renderFrame, type ViewContext } from "../../../src/cli/top/view.ts";
import { textWidth } from "../../../src/cli/top/width.ts";
import { serviceView } from "../../helpers/service-view.ts";

const NOW = Date.parse("2026-01-01T00:10:00Z");
// biome-ignore lint: matching escape sequences
const ESC = /\u001b\[[0-9;]*m/g;

function ctx(cols: number, rows: number, color = false): ViewContext {
  return { cols, rows, c: makeColors(color), now: NOW, configOf: () => undefined };
}

function model(n: number): TopModel {
  const services = Array.from({ length: n }, (_, i) =>
    serviceView(`service-${i}`, { pid: 1000 + i, started_at: "2026-01-01T00:00:00Z", cpu_percent: 1.5, memory_bytes: 30e6 }),
  );
  services[3] = serviceView("service-3", { status: "restarting", pid: null, restarts: 2, exit_code: 1, next_restart_at: "2026-01-01T00:10:02Z" });
  const m = withServices(initialModel("/srv/app/canopy.yaml"), services, true);
  return { ...m, connected: true, daemon: { pid: 42, version: "canopy 0.1.0", started_at: "2026-01-01T00:00:00Z", config_file: "/srv/app/canopy.yaml" } };
}

test("at 80×24, ten services: every row shows, no line is wider than the screen, exactly 24 rows", () => {
  const frame = renderFrame(model(10), ctx(80, 24));
  expect(frame).toHaveLength(24);
  for (const line of frame) expect(textWidth(line.replace(ESC, ""))).toBeLessThanOrEqual(80);
  for (let i = 0; i < 10; i++) expect(frame.some((l) => l.includes(`service-${i} `))).toBe(true);
  expect(frame[1]).toBe("daemon pid 42 · canopy 0.1.0 · up 10m · 9 running · 1 restarting");
  // The WHY column says what status says: the last exit, the crashes, the next restart.
  expect(frame.find((l) => l.includes("service-3"))).toMatch(/restarting\s+-\s+-\s+2\s+-\s+-\s+-\s+exit 1; 2 crashes/);
  expect(frame[23]).toContain("? help · q quit");
});

test("with colour off (NO_COLOR) nothing but text is drawn; with it on only 16-colour SGR codes appear", () => {
  expect(renderFrame(model(3), ctx(120, 20)).join("")).not.toContain("\x1b");
  const coloured = renderFrame(model(3), ctx(120, 20, true)).join("");
  // biome-ignore lint: escapes are the subject
  const codes = [...coloured.matchAll(/\u001b\[([0-9;]*)m/g)].map((m) => Number(m[1]));
  expect(codes.length).toBeGreaterThan(0);
  for (const code of codes) expect(code < 50 || (code >= 90 && code <= 97)).toBe(true);
});

test("the selected row is marked, and stays on screen when the table must scroll", () => {
  const m = { ...model(30), selected: "service-25" };
  const frame = renderFrame(m, ctx(80, 24));
  expect(frame.some((l) => l.startsWith("> service-25 "))).toBe(true);
  expect(frame.filter((l) => l.startsWith(">"))).toHaveLength(1);
});

test("the log pane follows the newest lines, escapes what services print, and filters", () => {
  const lines: LogEntry[] = Array.from({ length: 50 }, (_, i) => ({ service: "service-1", stream: "stdout", text: `line ${i}${i === 49 ? " \x1b[2J" : ""}`, at: null }));
  const m: TopModel = { ...model(3), logs: { service: "service-1", lines, scroll: 0, filter: "", dropped: 0 } };
  const frame = renderFrame(m, ctx(80, 24));
  expect(frame.some((l) => l.startsWith("── logs: service-1 — following ──"))).toBe(true);
  expect(frame[22]).toBe("[service-1] line 49 \\x1b[2J");
  expect(frame.join("\n")).not.toContain("[service-1] line 10\n");

  const filtered = renderFrame({ ...m, logs: { ...(m.logs as NonNullable<TopModel["logs"]>), filter: "line 1" } }, ctx(80, 24));
  const shown = filtered.filter((l) => l.startsWith("[service-1]"));
  expect(shown.length).toBeGreaterThan(0);
  expect(shown.every((l) => l.includes("line 1"))).toBe(true);
  expect(filtered.some((l) => l.includes('filter "line 1": 11 lines'))).toBe(true);
});

test("a daemon that went away is said so, and the last rows stay", () => {
  const frame = renderFrame({ ...model(3), connected: false, waiting: true }, ctx(80, 24));
  expect(frame[1]).toBe("daemon not running — waiting for it to come back (canopy up -d)");
  const never = renderFrame({ ...initialModel("/c.yaml"), waiting: true }, ctx(80, 24));
  expect(never[1]).toBe("no daemon is running for this config — waiting for one (canopy up -d)");
  expect(frame.some((l) => l.includes("service-0"))).toBe(true);
});
