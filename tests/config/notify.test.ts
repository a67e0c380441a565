/** `notify:` validation: defaults, forms, and problems that name the file and the field. */
import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { loadConfigFile } from "../../src/config/load.ts";
import { validateConfig } from "../../src/config/schema.ts";
import { isCanopyError } from "../../src/errors.ts";
import { removeTempDirs, tempDir, thrown } from "./tmp.ts";

afterAll(removeTempDirs);

const WHERE = { file: "/proj/canopy.yaml", dir: "/proj" };
const withNotify = (notify: unknown) => validateConfig({ services: {}, notify }, WHERE);

describe("notify: valid forms", () => {
  test("off unless configured", () => {
    expect(validateConfig({ services: {} }, WHERE).config.notify).toBeUndefined();
  });

  test("a command string alone takes every default", () => {
    const { config, problems } = withNotify({ command: "./alert.sh" });
    expect(problems).toEqual([]);
    expect(config.notify).toEqual({
      events: ["gave_up", "start_failed", "liveness_failed", "memory_exceeded"],
      command: ["/bin/sh", "-c", "./alert.sh"],
      timeoutMs: 5_000,
      retries: 3,
      retryDelayMs: 1_000,
      queue: 100,
    });
  });

  test("every key set: argv command, webhook, chosen events (repeats once), durations", () => {
    const { config, problems } = withNotify({
      command: ["notify-send", "canopy"],
      webhook: "https://hooks.example.com/x?token=abc",
      events: ["exited", "gave_up", "exited"],
      timeout: "2s",
      retries: 0,
      retry_delay: "250ms",
      queue: 5,
    });
    expect(problems).toEqual([]);
    expect(config.notify).toEqual({
      events: ["exited", "gave_up"],
      command: ["notify-send", "canopy"],
      webhook: "https://hooks.example.com/x?token=abc",
      timeoutMs: 2_000,
      retries: 0,
      retryDelayMs: 250,
      queue: 5,
    });
  });
});

describe("notify: problems name the field", () => {
  test.each([
    [null, "notify", "expected a mapping with command and/or webhook, got nothing"],
    [{}, "notify", "names no notifier"],
    [{ events: ["gave_up"] }, "notify", "names no notifier"],
    [{ webhook: "hooks.example.com/x" }, "notify.webhook", 'expected an http:// or https:// URL, got "hooks.example.com/x"'],
    [{ webhook: "ftp://example.com/x" }, "notify.webhook", "expected an http:// or https:// URL, got the scheme ftp"],
    [{ webhook: "" }, "notify.webhook", "must not be empty"],
    [{ command: [] }, "notify.command", "must not be an empty list"],
    [{ command: "x", events: ["gave-up"] }, "notify.events[0]", 'unknown event "gave-up"; did you mean gave_up?'],
    [{ command: "x", events: [] }, "notify.events", "expected a non-empty list of event names"],
    [{ command: "x", timeout: "soon" }, "notify.timeout", "expected a duration like 250ms, 5s or 2m"],
    [{ command: "x", retries: -1 }, "notify.retries", "must be from 0 to 100, got -1"],
    [{ command: "x", queue: 0 }, "notify.queue", "must be from 1 to 100000, got 0"],
    [{ command: "x", url: "http://x" }, "notify.url", "unknown key"],
  ])("%j → %s", (notify, field, message) => {
    const { problems } = withNotify(notify);
    expect(problems.find((p) => p.field === field)?.message).toContain(message);
  });
});

test("a bad notify in a file names the file, the line and the field", () => {
  const dir = tempDir({ "canopy.yaml": "services: {}\nnotify:\n  webhook: not a url\n  events: [gave_up, crashed]\n" });
  const err = thrown(() => loadConfigFile(join(dir, "canopy.yaml")));
  expect(isCanopyError(err) && err.error_type).toBe("invalid_config");
  const message = (err as Error).message;
  expect(message).toContain("canopy.yaml");
  expect(message).toContain("notify.webhook");
  expect(message).toContain("notify.events[1]");
  expect(message).toContain('unknown event "crashed"');
});
