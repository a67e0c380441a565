import { describe, expect, test } from "bun:test";
import { parseSignal } from "../../src/config/signal.ts";

describe("parseSignal", () => {
  test.each([
    ["SIGTERM", "SIGTERM"],
    ["TERM", "SIGTERM"],
    ["sigint", "SIGINT"],
    ["quit", "SIGQUIT"],
    [" SIGUSR2 ", "SIGUSR2"],
    ["KILL", "SIGKILL"],
    ["HUP", "SIGHUP"],
  ] as const)("%p → %p", (input, signal) => {
    expect(parseSignal(input)).toBe(signal);
  });

  test.each([["SIGFOO"], ["15"], [""], ["SIG"], ["TERMINATE"]])("%p is not a signal", (input) => {
    expect(parseSignal(input)).toBeUndefined();
  });
});
