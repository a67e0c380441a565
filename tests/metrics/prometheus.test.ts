/** The exposition format renderer: names, label escaping, values. */
import { describe, expect, test } from "bun:test";
import { escapeHelp, escapeLabelValue, formatValue, renderPrometheus } from "../../src/metrics/prometheus.ts";

describe("renderPrometheus", () => {
  test("HELP and TYPE once per family, then one line per sample, labels in the order given", () => {
    const text = renderPrometheus([
      {
        name: "canopy_service_up",
        help: "1 when up.",
        type: "gauge",
        samples: [
          { labels: { service: "web" }, value: 1 },
          { labels: { service: "db" }, value: 0 },
        ],
      },
      { name: "canopy_daemon_cpu_seconds_total", help: "cpu", type: "counter", samples: [{ labels: {}, value: 0.25 }] },
      { name: "canopy_empty", help: "none yet", type: "gauge", samples: [] },
    ]);
    expect(text).toBe(
      [
        "# HELP canopy_service_up 1 when up.",
        "# TYPE canopy_service_up gauge",
        'canopy_service_up{service="web"} 1',
        'canopy_service_up{service="db"} 0',
        "# HELP canopy_daemon_cpu_seconds_total cpu",
        "# TYPE canopy_daemon_cpu_seconds_total counter",
        "canopy_daemon_cpu_seconds_total 0.25",
        "# HELP canopy_empty none yet",
        "# TYPE canopy_empty gauge",
        "",
      ].join("\n"),
    );
  });

  test("label values escape backslash, double quote and newline; nothing else", () => {
    expect(escapeLabelValue('a\\b"c\nd é{}')).toBe('a\\\\b\\"c\\nd é{}');
    const text = renderPrometheus([{ name: "m", help: "h", type: "gauge", samples: [{ labels: { version: 'x"\n\\' }, value: 1 }] }]);
    expect(text).toContain('m{version="x\\"\\n\\\\"} 1\n');
  });

  test("HELP escapes backslash and newline only", () => {
    expect(escapeHelp('line\none \\ "quoted"')).toBe('line\\none \\\\ "quoted"');
  });

  test("values: integers as written, NaN and infinities by name", () => {
    expect([1, 0, 1.5, 1796459999.944, Number.NaN, Infinity, -Infinity].map(formatValue)).toEqual([
      "1",
      "0",
      "1.5",
      "1796459999.944",
      "NaN",
      "+Inf",
      "-Inf",
    ]);
  });

  test("a malformed metric or label name is a programming error, thrown, never rendered", () => {
    expect(() => renderPrometheus([{ name: "bad-name", help: "", type: "gauge", samples: [] }])).toThrow("invalid metric name");
    expect(() => renderPrometheus([{ name: "m", help: "", type: "gauge", samples: [{ labels: { "a-b": "x" }, value: 1 }] }])).toThrow(
      "invalid label name",
    );
    expect(() => renderPrometheus([{ name: "m", help: "", type: "gauge", samples: [{ labels: { __x: "x" }, value: 1 }] }])).toThrow(
      "invalid label name",
    );
  });
});
