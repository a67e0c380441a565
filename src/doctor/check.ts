/** One doctor finding and how it is printed (pure). */
import type { Colors } from "../cli/style.ts";

/** ok: fine; warn: worth knowing, not a failure; fail: something to fix (the exit code becomes 1). */
export interface Check {
  status: "ok" | "warn" | "fail";
  /** What was checked and what was found. */
  what: string;
  /** For failures: what to do about it. */
  fix?: string;
}

/** `ok    what`, `warn  what`, `FAIL  what; fix: …` — continuation lines of a long message indented under it. */
export function formatCheck(c: Colors, check: Check): string {
  const label = check.status === "ok" ? c.green("ok  ") : check.status === "warn" ? c.yellow("warn") : c.red("FAIL");
  const text = check.fix === undefined ? check.what : `${check.what}; fix: ${check.fix}`;
  return `${label}  ${text.replace(/\n/g, "\n      ")}\n`;
}

/** The closing line: how many checks failed. */
export function summary(checks: Check[]): string {
  const failed = checks.filter((c) => c.status === "fail").length;
  return failed === 0 ? "All checks passed.\n" : `${failed} check${failed === 1 ? "" : "s"} failed.\n`;
}
